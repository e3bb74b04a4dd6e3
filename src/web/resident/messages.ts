// The resident page's words, zh-CN first. Rule ids, audit actions and roles from the server are shown only through
// these words (rule.*, action.*, role.*), with a fallback in the page's language: never the raw id.
export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'shortness_of_breath', 'diarrhea', 'loss_of_taste_smell'] as const

export const messages = {
  'zh-CN': {
    title: '健康码',
    logout: '退出登录',
    offlineLong: '离线：无法连接服务器',
    profile: {
      title: '完善个人信息',
      why: '姓名和身份证号加密保存，只用于核验身份，不会出现在二维码中。',
      name: '姓名', namePlaceholder: '与身份证一致',
      id: '身份证号', idPlaceholder: '18 位身份证号',
      save: '保存'
    },
    code: {
      whose: '持码人：',
      refresh: '二维码自动刷新，截图无效',
      until: '有效至 {time}',
      void: '二维码已失效',
      voidHint: '无法刷新二维码（离线）。请连接网络后重新获取。',
      none: '暂时无法获取健康码',
      qr: '健康码二维码',
      clock: '当前时间'
    },
    tab: { why: '为何此色', declare: '健康申报', access: '查阅记录', appeal: '申诉', family: '家人代管' },
    why: {
      title: '当前颜色的原因', none: '没有生效的规则：绿码。', history: '颜色变化记录',
      since: '自 {time}', until: '至 {time}', open: '直至解除', by: '设定者：{who}',
      site: '{window} 在 {place} 与确诊病例同场：场所时段结束后 7 天内为黄码'
    },
    rule: {
      case_confirmed: '确诊病例（卫生健康人员已立案）',
      close_contact: '密切接触者：最后一次接触后 14 天内为红码',
      secondary_contact: '次密切接触者：标记后 7 天内为黄码',
      declared_contact: '本人申报接触过确诊病例：14 天内为红码',
      high_risk_travel: '去过中高风险地区：14 天内为红码',
      symptoms: '本人申报体温 ≥ 37.3 °C 或有症状：最后一次此类申报后 7 天内为黄码',
      site_exposure: '到过病例的涉疫场所：场所时段结束后 7 天内为黄码',
      manual: '由卫生健康人员人工设定',
      default: '没有生效的规则',
      ended: '{rule}（已结束）',
      other: '其他防疫规则'
    },
    actor: { system: '系统', 'self-declaration': '本人申报', staff: '工作人员', confirmed: '{who}（经{by}复核）', and: '、' },
    declare: {
      title: '今日健康申报', temp: '体温（°C）', symptoms: '症状（可多选）',
      travel: '14 天内是否去过中高风险地区', contact: '14 天内是否接触过确诊病例',
      yes: '是', no: '否', submit: '提交申报', done: '已提交，当前为：{color}'
    },
    symptom: {
      fever: '发热', cough: '咳嗽', fatigue: '乏力', sore_throat: '咽痛', shortness_of_breath: '气促', diarrhea: '腹泻', loss_of_taste_smell: '嗅觉或味觉减退'
    },
    access: {
      title: '谁查阅过我的信息', none: '暂无工作人员查阅记录。', purpose: '事由：{purpose}', load: '刷新',
      line: '{who} {what}（目的：{purpose}）', lineBare: '{who} {what}'
    },
    purpose: {
      case: '案例 {id}', caseOpen: '案例 {id}：立案', caseClose: '案例 {id}：结案', caseClosed: '案例 {id}：已结案',
      screening: '入户排查',
      caseDegree: '案例 {id}：{degree}', caseMark: '案例 {id}：标记 {n} 名{degree}', caseMarking: '案例 {id}：标记 {n} 名密切接触者时查找最后接触时间',
      caseSite: '案例 {id}：涉疫场所 {place}，{window}', people: '，在场 {n} 人',
      degree1: '密切接触者', degree2: '次密切接触者',
      manual: '人工将健康码改为{color}', confirmation: '{what}（第 {n} 次复核，共需 {of} 次）', sep: '：',
      overLimit: '（超过每日 {n} 个红码的限额，需两人复核）',
      change: { case_open: '立案', case_contacts: '标记接触者', case_site: '确认涉疫场所', case_close: '结案', status_set: '人工更改健康码颜色', other: '一项防疫措施' }
    },
    role: { resident: '居民本人', volunteer: '卡口志愿者', gridworker: '网格员', tracer: '流调人员', officer: '卫生健康人员', admin: '管理员', other: '工作人员' },
    action: {
      identity: { lookup: '按身份证号查询了您', lookup_out_of_scope: '按身份证号查询了您（不在其负责范围内）', scan: '在卡口核验了您的身份证号' },
      trail: { read: '查看了您的行程记录', export: '导出了您的行程记录' },
      contacts: { read: '查看了您的接触者', export: '导出了您的接触者' },
      sites: { read: '查看了您到过的场所（涉疫场所排查）', export: '导出了您到过的场所' },
      case: {
        opened: '为您立案', read: '查看了您的病例', closed: '结案', contact_marked: '将您标记为接触者',
        site_requested: '申请将您到过的一处场所确认为涉疫场所（待复核）', site_confirmed: '申请确认的涉疫场所（您到过的一处场所）已复核生效',
        site_marked: '因您到过涉疫场所，将您列为涉疫场所暴露人员', site_ended: '病例结案，解除了您的涉疫场所暴露标记'
      },
      status: { changed: '更改了您的健康码颜色', change_requested: '申请更改您的健康码颜色', change_confirmed: '确认更改了您的健康码颜色' },
      change: { requested: '提交了一项涉及您的防疫措施（待复核）', confirmed: '复核确认了一项涉及您的防疫措施', rejected: '驳回了一项涉及您的防疫措施' },
      appeal: { resolved: '处理了您的申诉' },
      person: { register: '为您登记了个人信息', read: '查看了您的个人信息', id_number_unbound: '解除了您身份证号的绑定' },
      profile: { read: '查看了您的个人信息', updated: '修改了您的个人信息' },
      paper_code: { issue: '为您签发了纸质健康码', print: '为您打印了纸质健康码' },
      household: { read: '查看了您家庭的成员信息', create: '登记了您的家庭' },
      declaration: { by_proxy: '代您填报了健康申报' },
      screening: { record: '入户排查时记录了您的健康情况' },
      refused: '{action}（被拒绝）',
      outOfScope: '试图{action}（不在其负责范围内，已拒绝）',
      other: '查阅或处理了您的信息'
    },
    appeal: {
      title: '对颜色有异议？', hint: '工作人员将在 48 小时内答复。', message: '申诉内容', messagePlaceholder: '请说明您认为颜色不对的原因',
      submit: '提交申诉', sent: '申诉已提交', list: '我的申诉', due: '答复期限：{time}',
      open: '处理中', upheld: '维持原颜色', changed: '已调整颜色', resolved: '已处理', note: '答复：{note}'
    },
    scan: { button: '扫场所码', title: '扫描场所码', cancel: '取消', denied: '没有摄像头权限，请在浏览器设置中允许使用摄像头。', unavailable: '此设备无法使用摄像头。' },
    family: {
      title: '家人代管', hint: '为没有智能手机的家人（老人、孩子）代管健康码，最多 5 位。', none: '还没有代管的家人。',
      show: '出示健康码', showFor: '出示 {name} 的健康码', hide: '返回家人列表', add: '添加家人', name: '家人姓名', id: '家人身份证号',
      submit: '添加', added: '已添加：{name}', tooMany: '最多只能代管 5 位家人，请先移除一位', registered: '该身份证号已经登记过，请联系网格员'
    }
  },
  en: {
    title: 'Health code',
    logout: 'Log out',
    offlineLong: 'Offline: the server cannot be reached',
    profile: {
      title: 'Your details',
      why: 'Your name and ID number are stored encrypted, used only to check who you are, and never put in the QR code.',
      name: 'Name', namePlaceholder: 'As on your ID card',
      id: 'ID number', idPlaceholder: '18-character ID number',
      save: 'Save'
    },
    code: {
      whose: 'Holder: ',
      refresh: 'Refreshes by itself; screenshots do not work',
      until: 'Valid until {time}',
      void: 'This QR code is no longer valid',
      voidHint: 'The code cannot be refreshed (offline). Connect to the network to get a new one.',
      none: 'The health code cannot be fetched now',
      qr: 'Health code QR',
      clock: 'Current time'
    },
    tab: { why: 'Why', declare: 'Declare', access: 'Who looked', appeal: 'Appeal', family: 'Family' },
    why: {
      title: 'Why your code has this colour', none: 'No rule is active: green.', history: 'Colour history',
      since: 'from {time}', until: 'until {time}', open: 'until lifted', by: 'set by: {who}',
      site: 'At {place} on {window}, at the same time as a confirmed case: yellow for 7 days after'
    },
    rule: {
      case_confirmed: 'Confirmed case (a health officer opened a case)',
      close_contact: 'Close contact of a confirmed case: red for 14 days after the last encounter',
      secondary_contact: 'Contact of a close contact: yellow for 7 days after marking',
      declared_contact: 'You declared contact with a confirmed case: red for 14 days',
      high_risk_travel: 'Visited a high-risk area: red for 14 days',
      symptoms: 'You declared a temperature of 37.3 °C or more, or a symptom: yellow for 7 days after the last such declaration',
      site_exposure: 'Present at a case\'s exposure site: yellow for 7 days after the site\'s window',
      manual: 'Set by a health officer',
      default: 'No rule active',
      ended: '{rule} (ended)',
      other: 'Another epidemic-control rule'
    },
    actor: { system: 'the system', 'self-declaration': 'your declaration', staff: 'a staff member', confirmed: '{who}, confirmed by {by}', and: ' and ' },
    declare: {
      title: 'Today\'s health declaration', temp: 'Temperature (°C)', symptoms: 'Symptoms (any)',
      travel: 'Visited a medium- or high-risk area in the last 14 days', contact: 'Contact with a confirmed case in the last 14 days',
      yes: 'Yes', no: 'No', submit: 'Submit', done: 'Submitted. Your code is now: {color}'
    },
    symptom: {
      fever: 'Fever', cough: 'Cough', fatigue: 'Fatigue', sore_throat: 'Sore throat', shortness_of_breath: 'Short of breath', diarrhea: 'Diarrhoea', loss_of_taste_smell: 'Lost taste or smell'
    },
    access: {
      title: 'Who looked at your data', none: 'No staff member has looked at your data.', purpose: 'Purpose: {purpose}', load: 'Refresh',
      line: '{who} {what} (purpose: {purpose})', lineBare: '{who} {what}'
    },
    purpose: {
      case: 'case {id}', caseOpen: 'case {id}: opening', caseClose: 'case {id}: closing', caseClosed: 'case {id}: closed',
      screening: 'door-to-door screening',
      caseDegree: 'case {id}: {degree}', caseMark: 'case {id}: marking {n} as {degree}', caseMarking: 'case {id}: finding the last encounter of {n} close contact(s)',
      caseSite: 'case {id}: exposure site {place}, {window}', people: ', people present: {n}',
      degree1: 'close contact', degree2: 'contact of a close contact',
      manual: 'colour set by hand to {color}', confirmation: '{what} (confirmation {n} of {of})', sep: ': ',
      overLimit: ' (past the daily limit of {n} red codes: two people confirm)',
      change: { case_open: 'opening a case', case_contacts: 'marking contacts', case_site: 'confirming an exposure site', case_close: 'closing a case', status_set: 'a change of code colour', other: 'an epidemic-control measure' }
    },
    role: { resident: 'you', volunteer: 'Checkpoint volunteer', gridworker: 'Grid worker', tracer: 'Tracer', officer: 'Health officer', admin: 'Administrator', other: 'Staff member' },
    action: {
      identity: { lookup: 'looked you up by ID number', lookup_out_of_scope: 'looked you up by ID number (outside their area)', scan: 'checked your ID number at a checkpoint' },
      trail: { read: 'read your movement trail', export: 'exported your movement trail' },
      contacts: { read: 'read your contacts', export: 'exported your contacts' },
      sites: { read: 'read the places you visited (exposure sites)', export: 'exported the places you visited' },
      case: {
        opened: 'opened a case for you', read: 'read your case', closed: 'closed your case', contact_marked: 'marked you as a contact',
        site_requested: 'asked to confirm a place you visited as an exposure site (to be confirmed by a second person)', site_confirmed: 'asked for an exposure site you visited, now confirmed',
        site_marked: 'marked you as present at an exposure site', site_ended: 'lifted your exposure-site mark: the case was closed'
      },
      status: { changed: 'changed your code\'s colour', change_requested: 'asked to change your code\'s colour', change_confirmed: 'confirmed a change of your code\'s colour' },
      change: { requested: 'asked for a measure concerning you (to be confirmed by a second person)', confirmed: 'confirmed a measure concerning you', rejected: 'turned down a measure concerning you' },
      appeal: { resolved: 'answered your appeal' },
      person: { register: 'registered your details', read: 'read your details', id_number_unbound: 'unbound your ID number' },
      profile: { read: 'read your details', updated: 'changed your details' },
      paper_code: { issue: 'issued you a paper code', print: 'printed you a paper code' },
      household: { read: 'read who lives in your household', create: 'registered your household' },
      declaration: { by_proxy: 'declared your health for you' },
      screening: { record: 'recorded your health at a door-to-door screening' },
      refused: '{action} (refused)',
      outOfScope: 'tried: {action} (outside their area, refused)',
      other: 'read or handled your data'
    },
    appeal: {
      title: 'Disagree with your colour?', hint: 'Staff answer within 48 hours.', message: 'Your appeal', messagePlaceholder: 'Say why you think the colour is wrong',
      submit: 'Send appeal', sent: 'Appeal sent', list: 'My appeals', due: 'Answer due: {time}',
      open: 'In progress', upheld: 'Colour kept', changed: 'Colour changed', resolved: 'Answered', note: 'Answer: {note}'
    },
    scan: { button: 'Scan a place code', title: 'Scan a place code', cancel: 'Cancel', denied: 'No camera permission: allow the camera in the browser settings.', unavailable: 'This device has no usable camera.' },
    family: {
      title: 'Family', hint: 'Keep the health codes of family members without a smartphone (elders, children): up to 5.', none: 'No family member yet.',
      show: 'Show code', showFor: 'Show {name}\'s code', hide: 'Back to the family list', add: 'Add a family member', name: 'Their name', id: 'Their ID number',
      submit: 'Add', added: 'Added: {name}', tooMany: 'You can keep at most 5 family members: remove one first', registered: 'This ID number is already registered: ask your grid worker'
    }
  }
}
