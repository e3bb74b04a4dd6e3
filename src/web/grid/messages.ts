// The grid worker's page words, zh-CN first. Rule ids and error codes from the server reach the screen only through
// these words (rule.*, error.*), never as they are.
export const SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'shortness_of_breath', 'diarrhea', 'loss_of_taste_smell'] as const

export const messages = {
  'zh-CN': {
    title: '网格员',
    logout: '退出登录',
    back: '返回',
    refresh: '刷新',
    offlineLong: '离线：无法连接服务器，填写的内容会保存为草稿',
    login: {
      title: '网格员登录', username: '用户名', password: '密码', submit: '登录',
      expired: '登录已失效，请重新登录（已填写的草稿仍保留在本机）',
      notGridworker: '此页面仅供网格员使用，请用网格员账号登录'
    },
    tasks: {
      title: '我的任务', none: '当前没有未完成的排查任务。', progress: '剩余 {remaining} 户 / 共 {total} 户',
      started: '{time} 开始', members: '{n} 人', noMembers: '无登记成员', open: '入户排查'
    },
    household: {
      title: '住户信息', members: '家庭成员', noName: '（尚未填写姓名）', phone: '联系电话：{phone}',
      screen: '入户排查', register: '登记无手机人员', print: '打印纸质码', declare: '代为申报', notInTasks: '该户不在当前的排查任务中（已排查或没有进行中的排查）'
    },
    screen: {
      title: '入户排查', round: '排查轮次：{name}', present: '家中是否有人', yes: '有人在家', no: '无人在家',
      seen: '见到了 {name}', temp: '体温（°C，可不填）', symptoms: '症状（可多选）',
      from: '14 天内从何处返回', fromNone: '未外出 / 不适用', fromOther: '其他地点（请填写）', fromOtherText: '返回地点名称',
      returnedAt: '返回日期', plate: '返回时乘坐车辆的车牌号（可不填）', note: '备注（可不填）',
      submit: '提交排查结果', result: '排查结果', backToTasks: '返回我的任务', nobody: '无人在家：已记录本次入户。',
      needFrom: '请填写从何处返回', needDate: '请填写返回日期', futureDate: '返回日期不能晚于今天',
      conflict: '该户在本轮已经排查过，或本轮排查已经结束', badRound: '该排查轮次不包括此户，请刷新任务列表', badMember: '成员信息已变化，请返回后重新打开此户'
    },
    draft: {
      saved: '草稿已保存在本机（{time}）', restored: '已恢复上次未提交的草稿',
      offline: '当前离线，未能提交：内容已保存为草稿，联网后请再次提交', notSaved: '本机无法保存草稿'
    },
    register: {
      title: '登记无手机人员', hint: '登记到本户。登记后可打印纸质健康码交给本人。', name: '姓名', id: '身份证号', phone: '手机号（可不填）',
      submit: '登记', done: '已登记：{name}', conflict: '该身份证号已经登记过'
    },
    paper: {
      title: '纸质健康码', print: '打印', issuing: '正在生成纸质码…', until: '有效期至 {time}',
      hint: '打印后交给本人保管，出入卡口时出示。', card: '纸质健康码卡片'
    },
    declare: {
      title: '代为健康申报', whom: '申报人：{name}', temp: '体温（°C）', symptoms: '症状（可多选）',
      travel: '14 天内是否去过中高风险地区', contact: '14 天内是否接触过确诊病例',
      yes: '是', no: '否', submit: '提交申报', done: '已提交，当前为：{color}'
    },
    symptom: {
      fever: '发热', cough: '咳嗽', fatigue: '乏力', sore_throat: '咽痛', shortness_of_breath: '气促', diarrhea: '腹泻', loss_of_taste_smell: '嗅觉或味觉减退'
    },
    rule: {
      case_confirmed: '确诊病例', close_contact: '密切接触者：14 天内为红码', secondary_contact: '次密切接触者：7 天内为黄码',
      declared_contact: '申报接触过确诊病例：14 天内为红码', high_risk_travel: '从中高风险地区返回：14 天内为红码',
      symptoms: '体温 ≥ 37.3 °C 或有症状：7 天内为黄码', site_exposure: '到过涉疫场所：7 天内为黄码',
      manual: '由卫生健康人员人工设定', default: '没有生效的规则', other: '其他防疫规则'
    },
    reasonsNone: '没有生效的规则：绿码'
  },
  en: {
    title: 'Grid worker',
    logout: 'Log out',
    back: 'Back',
    refresh: 'Refresh',
    offlineLong: 'Offline: the server cannot be reached; what you type is kept as a draft',
    login: {
      title: 'Grid worker login', username: 'Username', password: 'Password', submit: 'Log in',
      expired: 'Your login has expired. Log in again (your drafts stay on this phone)',
      notGridworker: 'This page is for grid workers: log in with a grid worker account'
    },
    tasks: {
      title: 'My tasks', none: 'No screening left to do.', progress: '{remaining} of {total} households left',
      started: 'started {time}', members: '{n} people', noMembers: 'no members registered', open: 'Screen'
    },
    household: {
      title: 'Household', members: 'Members', noName: '(name not filled in yet)', phone: 'Phone: {phone}',
      screen: 'Screen this household', register: 'Register a person without a phone', print: 'Print a paper code', declare: 'Declare for them',
      notInTasks: 'This household is not in a current screening task (already screened, or no round open)'
    },
    screen: {
      title: 'Door-to-door screening', round: 'Round: {name}', present: 'Anyone at home?', yes: 'Someone at home', no: 'Nobody at home',
      seen: 'Saw {name}', temp: 'Temperature (°C, optional)', symptoms: 'Symptoms (any)',
      from: 'Came back from (last 14 days)', fromNone: 'Did not travel / not applicable', fromOther: 'Another place (type it)', fromOtherText: 'Name of the place',
      returnedAt: 'Date of return', plate: 'Plate of the vehicle they came back in (optional)', note: 'Note (optional)',
      submit: 'Submit the screening', result: 'Result', backToTasks: 'Back to my tasks', nobody: 'Nobody at home: the visit is recorded.',
      needFrom: 'Say where they came back from', needDate: 'Enter the date of return', futureDate: 'The date of return cannot be after today',
      conflict: 'This household was already screened in this round, or the round has ended', badRound: 'This round does not cover the household: refresh the tasks', badMember: 'The members have changed: go back and open the household again'
    },
    draft: {
      saved: 'Draft kept on this phone ({time})', restored: 'Your unsent draft is back',
      offline: 'Offline, not sent: kept as a draft. Submit again when online', notSaved: 'This phone cannot keep drafts'
    },
    register: {
      title: 'Register a person without a phone', hint: 'Registered in this household. Then print a paper code for them.', name: 'Name', id: 'ID number', phone: 'Mobile number (optional)',
      submit: 'Register', done: 'Registered: {name}', conflict: 'This ID number is already registered'
    },
    paper: {
      title: 'Paper health code', print: 'Print', issuing: 'Making the paper code…', until: 'Valid until {time}',
      hint: 'Give it to the person to keep and show at checkpoints.', card: 'Paper health code card'
    },
    declare: {
      title: 'Declare health for someone', whom: 'For: {name}', temp: 'Temperature (°C)', symptoms: 'Symptoms (any)',
      travel: 'Visited a medium- or high-risk area in the last 14 days', contact: 'Contact with a confirmed case in the last 14 days',
      yes: 'Yes', no: 'No', submit: 'Submit', done: 'Submitted. Their code is now: {color}'
    },
    symptom: {
      fever: 'Fever', cough: 'Cough', fatigue: 'Fatigue', sore_throat: 'Sore throat', shortness_of_breath: 'Short of breath', diarrhea: 'Diarrhoea', loss_of_taste_smell: 'Lost taste or smell'
    },
    rule: {
      case_confirmed: 'Confirmed case', close_contact: 'Close contact: red for 14 days', secondary_contact: 'Contact of a close contact: yellow for 7 days',
      declared_contact: 'Declared contact with a confirmed case: red for 14 days', high_risk_travel: 'Came back from a high-risk area: red for 14 days',
      symptoms: 'Temperature of 37.3 °C or more, or a symptom: yellow for 7 days', site_exposure: 'Present at an exposure site: yellow for 7 days',
      manual: 'Set by a health officer', default: 'No rule active', other: 'Another epidemic-control rule'
    },
    reasonsNone: 'No rule active: green'
  }
}
