// The staff console's words, zh-CN first and en: every id the server sends (tiers, actions, roles, codes) as words.
// The grid-management screens' words are in messages-grid.ts, merged here.
import { gridMessages } from './messages-grid.ts'

const base = {
  'zh-CN': {
    app: { title: '防疫工作台', subtitle: '流调 · 改码 · 审计', menu: '功能菜单', user: '{name}（{role}）', logout: '退出登录', loading: '正在加载…', retry: '重试', refresh: '刷新' },
    role: { tracer: '流调人员', officer: '卫生健康人员', admin: '管理员', volunteer: '卡口志愿者', gridworker: '网格员', resident: '居民', system: '系统', anonymous: '未登录者', other: '工作人员' },
    menu: { trace: '流调', officer: '人工改码与申诉', audit: '审计' },
    login: { title: '工作人员登录', username: '用户名', password: '密码', submit: '登录', wrong: '用户名或密码不正确', notStaff: '此账号不能使用工作台（仅限流调人员、卫生健康人员和管理员）' },
    purpose: {
      title: '查询目的', ask: '每一次查询都会记入审计日志和被查询人的查阅记录。请先填写查询目的（如病例编号）。',
      label: '查询目的', placeholder: '例如：宜都-2026-017 号病例流调', start: '开始', short: '查询目的至少 3 个字', banner: '查询目的：{purpose}', change: '更改目的'
    },
    period: { label: '时间范围', default: '最近 14 天（默认）', days: '最近 {n} 天' },
    find: { title: '按身份证号查找', idNumber: '身份证号', search: '查找', none: '没有找到此身份证号的人员', pick: '查看', name: '姓名', grid: '网格', color: '当前颜色', result: '查找结果', badId: '请输入 18 位身份证号' },
    color: { green: '绿码', yellow: '黄码', red: '红码' },
    person: { title: '被查询人：{name}', back: '换一个人', noName: '（未登记姓名）', colorThen: '查找时为{color}' },
    tabs: { trail: '行程', contacts: '接触者', graph: '关系图', sites: '涉疫场所', case: '病例' },
    trail: {
      timeline: '行程时间线', drawing: '卡口位置与路线', empty: '此时间范围内没有扫码记录', noCoords: '{n} 个卡口没有登记坐标，未画出',
      allow: '通行', deny: '禁止通行', direction: { in: '进入', out: '离开', pass: '经过' }, plate: '车牌 {plate}', chartLabel: '按卡口坐标绘制的行程路线图（经度为横轴、纬度为纵轴），共 {n} 个卡口', lon: '经度', lat: '纬度', route: '路线', checkpoint: '卡口'
    },
    tier: { close: '密接', exposure: '涉疫场所暴露', companion: '时空伴随', secondary: '次密接' },
    kind: { traffic: '交通卡口', community: '社区卡口', village: '村卡口', venue: '场所', household: '同住' },
    contacts: {
      total: '{tier}（{n}）', totalsTitle: '按分级统计（一度接触者人数）', name: '姓名', depth: '接触层级', depth1: '一度', depth2: '二度（次密接）',
      score: '风险分', encounters: '{name} 的接触记录', detail: '接触记录', theirTime: '对方时间', indexTime: '被查询人时间', gap: '间隔（分钟）', moreEncounters: '另有 {n} 次接触未列出（导出接触者 CSV 可见全部）', first: '首次接触', last: '末次接触', firstLast: '首次 / 末次接触', overlap: '共处（分钟）', count: '接触次数', days: '天数', via: '经由', where: '接触地点',
      select: '选择 {name}', selectAll: '选择本页全部', page: '第 {n} 页', next: '下一页', prev: '上一页', empty: '此分级没有接触者', sameVehicle: '同车',
      mark: '标记所选人员', marked: '已选 {n} 人：一度 → 密接，二度 → 次密接', markNone: '请先勾选要标记的人员', needCase: '请先开立病例并经第二人确认，才能标记接触者', tableLabel: '{tier}接触者列表'
    },
    graph: { title: '接触关系图', index: '被查询人', legend: '图例', label: '接触关系图：中心为被查询人，一度接触者与其相连，二度接触者与经由的一度接触者相连，颜色表示分级', shown: '图中显示各分级得分最高的前 {n} 人' },
    sites: {
      title: '涉疫场所（按时间）', place: '场所', kind: '类型', from: '开始', to: '结束', people: '在场人数', confirm: '确认为涉疫场所', confirmed: '已确认', submitted: '已提交',
      empty: '此时间范围内没有到访记录', needCase: '确认涉疫场所需先有已生效的病例', headcount: '密接 {close} · 暴露 {exposure} · 伴随 {companion}'
    },
    case: {
      title: '病例', none: '此人目前没有已生效的病例。', open: '开立病例', note: '立案说明', notePlaceholder: '例如：核酸阳性，报告编号…', submit: '提交立案',
      onlyOfficer: '开立病例和标记接触者需由卫生健康人员或管理员操作。', opened: '病例 {id}：{time} 立案', contacts: '已标记的接触者', sites: '已确认的涉疫场所',
      degree1: '密接（一度）', degree2: '次密接（二度）', until: '管控至 {time}', noMarks: '尚未标记', noSites: '尚未确认', refresh: '刷新病例', personId: '人员编号'
    },
    pending: { done: '已提交，等待第二位复核人确认', detail: '这项操作需要另一位卫生健康人员或管理员在“人工改码与申诉”中确认后才生效。', applied: '已生效' },
    exports: { title: '导出', trailCsv: '行程（CSV）', trailGeojson: '行程（GeoJSON）', contactsCsv: '接触者（CSV）', done: '已下载 {file}' },
    appeals: {
      title: '待处理申诉（最早到期在前）', person: '申诉人', message: '申诉内容', created: '提交时间', due: '答复期限', left: '剩余时间', leftValue: '{h} 小时 {m} 分',
      overdue: '已超时 {h} 小时 {m} 分', overdueAlarm: '有 {n} 件申诉已超过 48 小时未答复', answer: '答复', empty: '没有待处理的申诉',
      outcome: '处理结果', upheld: '维持原颜色', changed: '已调整颜色', note: '答复内容', submit: '提交答复', done: '已答复', dialog: '答复申诉'
    },
    status: {
      title: '人工改码', idNumber: '身份证号', find: '查找', reason: '改码理由', reasonPlaceholder: '至少 3 个字，将告知被改码人', color: '改为', submit: '提交改码',
      current: '{name}，当前 {color}', done: '已改为 {color}', fourEyes: '改为红码或由红码改出，需第二位复核人确认。', reasonShort: '理由至少 3 个字'
    },
    changes: {
      title: '待复核的变更', action: '内容', person: '涉及人员', by: '提出人', at: '提出时间', progress: '确认进度', confirm: '确认', reject: '驳回', yours: '您提出的，需他人确认',
      empty: '没有待复核的变更', confirmed: '已确认并生效', stillPending: '已确认，还需 {n} 人确认', rejectReason: '驳回理由', rejectTitle: '驳回变更', rejected: '已驳回', cancel: '取消',
      kind: { case: { open: '开立病例', contacts: '标记接触者', close: '结案', site: '确认涉疫场所' }, status: { set: '人工改码' }, other: '其他变更' },
      summary: { color: '改为 {color}', degree: '{n} 人标记为{degree}', site: '{place}，{from} 至 {to}' },
      ownForbidden: '您不能确认这项变更：提出人本人、由提出人创建的账号、以及在变更提出之后创建的账号都不能确认。请另一位复核人确认。'
    },
    audit: {
      title: '审计日志', actor: '操作人', action: '操作', target: '对象（人员编号等）', filter: '筛选', clear: '清除筛选', seq: '序号', at: '时间', role: '角色', purpose: '目的',
      first: '最新一页', older: '更早的记录', empty: '没有符合条件的记录', anyAction: '全部操作',
      verify: '审计链校验', verifyAgain: '重新校验', ok: '审计链完整：已校验 {n} 条记录', okAnchors: '与链外锚点一致（最后锚定第 {seq} 条）', noAnchor: '尚未写入链外锚点，只校验了链本身',
      broken: '审计链在第 {seq} 条处断裂：该记录缺失或被改动（已校验 {n} 条）', brokenAnchorFile: '链外锚点文件无法读取', checking: '正在校验…'
    },
    action: {
      identity: { lookup: '按身份证号查询', scan: '卡口核验身份证号' },
      trail: { read: '查看行程', export: '导出行程' },
      contacts: { read: '查看接触者', export: '导出接触者' },
      sites: { read: '查看涉疫场所' },
      case: { open: '申请立案', opened: '立案', read: '查看病例', list: '查看病例列表', close: '申请结案', closed: '结案', contacts: '申请标记接触者', contact_marked: '标记接触者', site: '申请确认涉疫场所', site_requested: '申请确认涉疫场所', site_confirmed: '确认涉疫场所', site_marked: '涉疫场所暴露', site_ended: '涉疫场所结束' },
      status: { set: '人工改码', changed: '更改颜色', change_requested: '申请改码', change_confirmed: '确认改码' },
      change: { requested: '提交待复核变更', confirmed: '复核确认', rejected: '驳回变更', list: '查看待复核变更' },
      appeal: { resolved: '答复申诉', list: '查看申诉' },
      auth: { login: '登录', logout: '退出', login_failed: '登录失败' },
      user: { create: '创建账号', bootstrap_admin: '创建初始管理员', password_changed: '修改密码', scope_changed: '修改管辖范围', role_changed: '修改角色' },
      person: { register: '登记人员', id_number_unbound: '解除身份证绑定' },
      profile: { updated: '更新个人信息' },
      paper_code: { issue: '签发纸质码', print: '打印纸质码' },
      place_code: { issue: '签发场所码' },
      grid: { create: '创建网格' },
      checkpoint: { create: '创建卡口' },
      retention: { purge: '到期数据清除' },
      audit: { chain_keyed: '审计链启用密钥' },
      refused: '{action}（被拒绝）',
      other: '其他操作'
    },
    err: {
      network: '网络不通，请稍后重试', server: '服务器暂时无法处理，请稍后重试',
      GP_VALIDATION: '填写的内容不正确，请检查', GP_UNAUTHENTICATED: '登录已失效，请重新登录', GP_FORBIDDEN: '您的账号没有权限进行此操作',
      GP_NOT_FOUND: '找不到相关记录（或不在您的管辖范围内）', GP_CONFLICT: '与当前状态冲突（可能已被他人处理），请刷新后再试', GP_RATE_LIMITED: '操作太频繁，请稍后再试',
      GP_INVALID_ID_NUMBER: '身份证号码不正确，请核对', GP_PURPOSE_REQUIRED: '请先填写查询目的（至少 3 个字）', GP_OVERLOADED: '系统繁忙，请稍后重试',
      GP_SITE_OUTSIDE_PRESENCE: '无法确认：所选时间窗不在病例本人到访该场所的时间范围内', GP_TRACE_TOO_LARGE: '结果太多，请缩小时间范围', cursor: '分页已失效，请从第一页重新查询', tiers: '分级选择不正确'
    }
  },
  en: {
    app: { title: 'Epidemic response console', subtitle: 'Tracing · Colour changes · Audit', menu: 'Menu', user: '{name} ({role})', logout: 'Log out', loading: 'Loading…', retry: 'Try again', refresh: 'Refresh' },
    role: { tracer: 'Tracer', officer: 'Health officer', admin: 'Administrator', volunteer: 'Checkpoint volunteer', gridworker: 'Grid worker', resident: 'Resident', system: 'System', anonymous: 'Not logged in', other: 'Staff' },
    menu: { trace: 'Tracing', officer: 'Colour changes and appeals', audit: 'Audit' },
    login: { title: 'Staff login', username: 'Username', password: 'Password', submit: 'Log in', wrong: 'Wrong username or password', notStaff: 'This account cannot use the console (tracers, health officers and administrators only)' },
    purpose: {
      title: 'Purpose', ask: 'Every look-up is written to the audit log and to the person\'s own access log. First say why you are looking (e.g. the case number).',
      label: 'Purpose', placeholder: 'e.g. tracing for case Yidu-2026-017', start: 'Start', short: 'The purpose needs at least 3 characters', banner: 'Purpose: {purpose}', change: 'Change purpose'
    },
    period: { label: 'Period', default: 'Last 14 days (default)', days: 'Last {n} days' },
    find: { title: 'Find by ID number', idNumber: 'ID number', search: 'Find', none: 'Nobody has this ID number', pick: 'Open', name: 'Name', grid: 'Grid', color: 'Colour now', result: 'Results', badId: 'Enter an 18-character ID number' },
    color: { green: 'Green', yellow: 'Yellow', red: 'Red' },
    person: { title: 'Person: {name}', back: 'Another person', noName: '(no name registered)', colorThen: '{color} when looked up' },
    tabs: { trail: 'Trail', contacts: 'Contacts', graph: 'Graph', sites: 'Exposure sites', case: 'Case' },
    trail: {
      timeline: 'Trail timeline', drawing: 'Checkpoints and route', empty: 'No scans in this period', noCoords: '{n} checkpoints have no coordinates and are not drawn',
      allow: 'Passed', deny: 'Stopped', direction: { in: 'In', out: 'Out', pass: 'Passed' }, plate: 'Plate {plate}', chartLabel: 'The route drawn on checkpoint coordinates (longitude across, latitude up), {n} checkpoints', lon: 'Longitude', lat: 'Latitude', route: 'Route', checkpoint: 'Checkpoint'
    },
    tier: { close: 'Close contact', exposure: 'Site exposure', companion: 'Companion', secondary: 'Secondary contact' },
    kind: { traffic: 'Traffic gate', community: 'Community gate', village: 'Village gate', venue: 'Venue', household: 'Household' },
    contacts: {
      total: '{tier} ({n})', totalsTitle: 'By tier (people at depth 1)', name: 'Name', depth: 'Depth', depth1: '1', depth2: '2 (secondary)',
      score: 'Score', encounters: 'Encounters of {name}', detail: 'Encounters', theirTime: 'Their time', indexTime: 'Index person\'s time', gap: 'Gap (min)', moreEncounters: '{n} more encounters not listed (the contacts CSV has them all)', first: 'First met', last: 'Last met', firstLast: 'First / last met', overlap: 'Together (min)', count: 'Encounters', days: 'Days', via: 'Via', where: 'Where',
      select: 'Select {name}', selectAll: 'Select the whole page', page: 'Page {n}', next: 'Next page', prev: 'Previous page', empty: 'No contacts in this tier', sameVehicle: 'Same vehicle',
      mark: 'Mark the selected people', marked: '{n} selected: depth 1 → close contact, depth 2 → secondary contact', markNone: 'Tick the people to mark first', needCase: 'Open a case (confirmed by a second person) before marking contacts', tableLabel: '{tier} contacts'
    },
    graph: { title: 'Contact graph', index: 'The person', legend: 'Legend', label: 'Contact graph: the person in the centre, depth-1 contacts linked to them, depth-2 contacts linked to the contact they came through, coloured by tier', shown: 'The top {n} of each tier by score are shown' },
    sites: {
      title: 'Exposure sites (by time)', place: 'Place', kind: 'Kind', from: 'From', to: 'To', people: 'People present', confirm: 'Confirm as exposure site', confirmed: 'Confirmed', submitted: 'Submitted',
      empty: 'No visits in this period', needCase: 'Confirming a site needs a case in force', headcount: 'close {close} · exposure {exposure} · companion {companion}'
    },
    case: {
      title: 'Case', none: 'This person has no case in force.', open: 'Open a case', note: 'Case note', notePlaceholder: 'e.g. positive test, report number…', submit: 'Open the case',
      onlyOfficer: 'Opening a case and marking contacts are for health officers and administrators.', opened: 'Case {id}: opened {time}', contacts: 'Marked contacts', sites: 'Confirmed exposure sites',
      degree1: 'Close contact (1)', degree2: 'Secondary contact (2)', until: 'Until {time}', noMarks: 'None marked yet', noSites: 'None confirmed yet', refresh: 'Refresh the case', personId: 'Person id'
    },
    pending: { done: 'Submitted: waiting for a second reviewer to confirm', detail: 'This takes effect once another health officer or administrator confirms it under "Colour changes and appeals".', applied: 'Done' },
    exports: { title: 'Export', trailCsv: 'Trail (CSV)', trailGeojson: 'Trail (GeoJSON)', contactsCsv: 'Contacts (CSV)', done: 'Downloaded {file}' },
    appeals: {
      title: 'Open appeals (earliest due first)', person: 'From', message: 'Appeal', created: 'Sent', due: 'Due', left: 'Time left', leftValue: '{h} h {m} min',
      overdue: 'Overdue by {h} h {m} min', overdueAlarm: '{n} appeals have waited more than 48 hours', answer: 'Answer', empty: 'No open appeals',
      outcome: 'Outcome', upheld: 'Colour kept', changed: 'Colour changed', note: 'Answer', submit: 'Send answer', done: 'Answered', dialog: 'Answer the appeal'
    },
    status: {
      title: 'Change a colour', idNumber: 'ID number', find: 'Find', reason: 'Reason', reasonPlaceholder: 'At least 3 characters; the person is told', color: 'New colour', submit: 'Change the colour',
      current: '{name}, now {color}', done: 'Changed to {color}', fourEyes: 'A change to or from red needs a second reviewer.', reasonShort: 'The reason needs at least 3 characters'
    },
    changes: {
      title: 'Changes waiting for review', action: 'What', person: 'Person', by: 'Asked by', at: 'Asked at', progress: 'Confirmations', confirm: 'Confirm', reject: 'Reject', yours: 'Yours: someone else confirms',
      empty: 'Nothing waits for review', confirmed: 'Confirmed and in force', stillPending: 'Confirmed; {n} more needed', rejectReason: 'Why rejected', rejectTitle: 'Reject the change', rejected: 'Rejected', cancel: 'Cancel',
      kind: { case: { open: 'Open a case', contacts: 'Mark contacts', close: 'Close a case', site: 'Confirm an exposure site' }, status: { set: 'Change a colour' }, other: 'Other change' },
      summary: { color: 'to {color}', degree: '{n} people as {degree}', site: '{place}, {from} to {to}' },
      ownForbidden: 'You may not confirm this change: its author, accounts the author created and accounts created after it was asked for cannot. Ask another reviewer.'
    },
    audit: {
      title: 'Audit log', actor: 'Actor', action: 'Action', target: 'Target (person id etc.)', filter: 'Filter', clear: 'Clear filters', seq: 'No.', at: 'Time', role: 'Role', purpose: 'Purpose',
      first: 'Newest page', older: 'Older entries', empty: 'No matching entries', anyAction: 'Any action',
      verify: 'Audit chain check', verifyAgain: 'Check again', ok: 'The audit chain is intact: {n} entries checked', okAnchors: 'It matches the anchors kept outside the database (last anchored: No. {seq})', noAnchor: 'No anchor written yet: the chain alone was checked',
      broken: 'The audit chain breaks at No. {seq}: that entry is missing or altered ({n} entries checked)', brokenAnchorFile: 'The anchor file cannot be read', checking: 'Checking…'
    },
    action: {
      identity: { lookup: 'Looked up by ID number', scan: 'ID number checked at a checkpoint' },
      trail: { read: 'Read a trail', export: 'Exported a trail' },
      contacts: { read: 'Read contacts', export: 'Exported contacts' },
      sites: { read: 'Read exposure sites' },
      case: { open: 'Asked to open a case', opened: 'Opened a case', read: 'Read a case', list: 'Listed cases', close: 'Asked to close a case', closed: 'Closed a case', contacts: 'Asked to mark contacts', contact_marked: 'Marked a contact', site: 'Asked to confirm a site', site_requested: 'Asked to confirm a site', site_confirmed: 'Confirmed a site', site_marked: 'Site exposure', site_ended: 'Site ended' },
      status: { set: 'Changed a colour', changed: 'Colour changed', change_requested: 'Asked to change a colour', change_confirmed: 'Confirmed a colour change' },
      change: { requested: 'Asked for a reviewed change', confirmed: 'Confirmed a change', rejected: 'Rejected a change', list: 'Listed changes' },
      appeal: { resolved: 'Answered an appeal', list: 'Listed appeals' },
      auth: { login: 'Logged in', logout: 'Logged out', login_failed: 'Failed login' },
      user: { create: 'Created an account', bootstrap_admin: 'Created the first admin', password_changed: 'Changed a password', scope_changed: 'Changed a scope', role_changed: 'Changed a role' },
      person: { register: 'Registered a person', id_number_unbound: 'Unbound an ID number' },
      profile: { updated: 'Updated a profile' },
      paper_code: { issue: 'Issued a paper code', print: 'Printed a paper code' },
      place_code: { issue: 'Issued a place code' },
      grid: { create: 'Created a grid' },
      checkpoint: { create: 'Created a checkpoint' },
      retention: { purge: 'Purged expired data' },
      audit: { chain_keyed: 'Audit chain keyed' },
      refused: '{action} (refused)',
      other: 'Other action'
    },
    err: {
      network: 'No network. Try again later', server: 'The server could not do this now. Try again later',
      GP_VALIDATION: 'Something entered is not right. Please check', GP_UNAUTHENTICATED: 'Your login has expired. Please log in again', GP_FORBIDDEN: 'Your account may not do this',
      GP_NOT_FOUND: 'Not found (or outside your area)', GP_CONFLICT: 'This conflicts with the current state (someone may have handled it): refresh and try again', GP_RATE_LIMITED: 'Too many tries. Wait a moment',
      GP_INVALID_ID_NUMBER: 'The ID number is not valid. Please check it', GP_PURPOSE_REQUIRED: 'Say why you are looking first (at least 3 characters)', GP_OVERLOADED: 'The system is busy. Try again shortly',
      GP_SITE_OUTSIDE_PRESENCE: 'Cannot confirm: the window is not within the case person\'s own visits to that place', GP_TRACE_TOO_LARGE: 'Too many results: choose a shorter period', cursor: 'The page has expired: start again from the first page', tiers: 'The tiers chosen are not valid'
    }
  }
}

type Tree = Record<string, unknown>
const merge = (a: Tree, b: Tree): Tree => Object.fromEntries([...new Set([...Object.keys(a), ...Object.keys(b)])].map((k) => {
  const x = a[k]; const y = b[k]
  return [k, typeof x === 'object' && x !== null && typeof y === 'object' && y !== null ? merge(x as Tree, y as Tree) : (y ?? x)]
}))

export const messages = { 'zh-CN': merge(base['zh-CN'], gridMessages['zh-CN']), en: merge(base.en, gridMessages.en) }
