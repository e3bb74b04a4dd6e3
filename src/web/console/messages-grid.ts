// The words of the grid-management screens (数据看板, 网格与人员, 团队与排班, 用户与卡口), zh-CN first and en; merged into
// messages.ts. Import errors are said from their kind (import-words.ts), never in the server's own text.
export const gridMessages = {
  'zh-CN': {
    err: { GP_PAYLOAD_TOO_LARGE: '文件或内容太大', GP_UNSUPPORTED_MEDIA_TYPE: '文件格式或编码无法识别' },
    menu: { dashboard: '数据看板', grid: '网格与人员', teams: '团队与排班', admin: '用户与卡口' },
    level: { city: '市/县', street: '街道/镇', community: '社区/村', grid: '网格', all: '全部辖区' },
    dash: {
      title: '{name}（{level}）', figures: '辖区数据', people: '人口', households: '户数', screenedHouseholds: '已排查户数', screenedPeople: '已排查人数',
      returnees: '返乡人员', green: '绿码', yellow: '黄码', red: '红码', scans24h: '24 小时扫码', children: '下级区域', area: '区域', open: '查看下级',
      path: '当前位置', top: '全部辖区', colorsChart: '各下级区域当前颜色人数（堆叠柱状图：绿码、黄码、红码）', roundsChart: '进行中排查轮次的进度（已排查户数 / 总户数）',
      scansChart: '近 24 小时每小时扫码次数', rounds: '排查进度', noRounds: '没有进行中的排查轮次',
      screened: '已排查', remaining: '未排查', scans: '扫码次数', noChildren: '此区域没有下级区域'
    },
    grid: {
      tree: '区域与网格', pick: '请在左侧选择一个网格', households: '{name} 的住户', search: '按住址查找', searchButton: '查找', address: '住址', phone: '电话', members: '人数',
      open: '查看成员', more: '加载更多', empty: '没有符合条件的住户', membersOf: '住户成员：{address}', name: '姓名', color: '当前颜色', noName: '（未登记姓名）', tabs: { people: '住户与成员', import: '导入户籍名册' }
    },
    imp: {
      title: '导入户籍名册（一标三实）', hint: '选择 CSV 文件（UTF-8 或 GBK 编码），表头为：姓名,身份证号,手机号,网格,住址。整份文件全部通过检查才会导入，否则一行也不导入。',
      file: '名册文件（CSV）', pick: '选择文件', encoding: '文件编码', auto: '自动识别', utf8: 'UTF-8', gbk: 'GBK（Excel 中文版默认）', upload: '上传并导入', chosen: '已选择：{name}（{size}）', none: '尚未选择文件',
      progress: '导入进度', state: { uploading: '正在上传 {pct}%', receiving: '服务器正在接收', validating: '正在校验：{done} / {rows} 行', writing: '正在写入：{done} / {rows} 行', done: '导入完成', failed: '导入未完成' },
      done: '导入完成：新增人员 {people} 人，新增住户 {households} 户，更新 {updated} 人', refused: '文件有 {n} 处错误，未导入任何数据。请修改后重新上传。', refusedMax: '（最多列出 100 处）',
      row: '行号', column: '列', message: '问题', header: '表头', wholeRow: '整行', whole: '整个文件',
      col: { name: '姓名', idNumber: '身份证号', phone: '手机号', gridId: '网格', address: '住址' },
      busy: '另一份名册正在导入，请稍后再试', tooLarge: '文件太大：最多 20 万行、50 MB，请拆分后分别导入', encodingBad: '无法识别文件编码：请另存为 UTF-8 或 GBK 编码的 CSV',
      e: {
        unknownColumn: '表头中有无法识别的列“{col}”：表头应为 姓名,身份证号,手机号,网格,住址（顺序不限）', twice: '表头中“{col}”列出现了两次', missing: '表头缺少“{col}”列',
        fields: '此行有 {n} 个字段，表头有 {m} 个（是否多了或少了逗号？）', tooMany: '文件超过 {n} 行，请拆分成几个文件', empty: '文件是空的：需要表头行和至少一行数据', noRows: '文件只有表头，没有数据行',
        required: '不能为空', idLength: '身份证号应为 18 位：17 位数字加 1 位数字或 X', idBirth: '身份证号中的出生日期（第 7–14 位）不正确', idCheck: '身份证号校验位不正确', idInvalid: '身份证号不正确',
        phone: '手机号应为 11 位、以 1 开头的大陆手机号（可留空）', gridId: '网格编号只能包含字母、数字和 _ . : -，最多 64 个字符', gridUnknown: '您的辖区内没有网格“{grid}”',
        dupId: '与第 {row} 行的身份证号重复', dupPhone: '与第 {row} 行的手机号重复（一个手机号只能对应一人）', phoneTaken: '此手机号已属于另一位已登记人员',
        otherHousehold: '此人已登记在另一住户（其他住址或网格）：请先在住户页面迁移，再重新导入', outsideArea: '此人登记在您辖区以外的网格：请辖区覆盖两个网格的工作人员处理',
        broken: '含有损坏的字符', invisible: '含有不可见字符或控制字符：请按身份证上的写法填写', blank: '为空白（只有空格）', marks: '连续的组合符号过多', tooLong: '长度为 {n} 个字，最多 {max} 个字', other: '此处内容不正确'
      }
    },
    team: {
      community: '社区/村', pickCommunity: '请选择一个社区或村', card: '{name} 1+1+N+K 防控队伍', doctor: '社区医生', police: '社区民警', vacant: '空缺', gridWorkers: '网格员（N={n}）', checkpoints: '卡口（K={n}）',
      edit: '设置医生和民警', editTitle: '设置社区医生和社区民警', name: '{post}姓名', phone: '{post}电话', save: '保存', cancel: '取消', saved: '已保存', grids: '负责网格', onDuty: '值班（未来 24 小时）',
      noDuty: '无人值班', updated: '最后由 {by} 于 {at} 设置', kind: '类型', notCommunity: '请选择社区或村一级的区域', tabs: { card: '队伍', roster: '排班表', map: '作战图' }, badPhone: '电话格式不正确：手机号 11 位，或带区号的座机（如 0717-4812345）'
    },
    roster: {
      title: '排班表（{from} 至 {to}）', checkpoint: '卡口', volunteer: '志愿者', from: '开始', to: '结束', by: '排班人', add: '添加班次', remove: '删除', removed: '已删除', added: '已添加',
      empty: '这段时间没有班次', pickCheckpoint: '选择卡口', pickVolunteer: '选择志愿者', noVolunteers: '此卡口没有指派志愿者（在“用户与卡口”中指派）', confirmRemove: '删除 {name} 在 {at} 的班次？', range: '时间段', cancel: '取消'
    },
    battle: {
      title: '{name} 作战图', label: '作战图：按卡口坐标绘制（经度为横轴、纬度为纵轴），颜色表示卡口类型，共 {n} 个卡口', unplaced: '{n} 个卡口没有登记坐标，未画出', onDuty: '当前值班：{names}',
      nobody: '当前无人值班', scans: '24 小时扫码 {n} 次', counts: '卡口 {n} 个 · 当前值班 {duty} 人 · 24 小时扫码 {scans} 次', lon: '经度', lat: '纬度', none: '没有卡口', dutyNow: '当前值班'
    },
    admin: {
      users: '工作人员账号', checkpoints: '卡口与场所码', username: '用户名', role: '角色', scope: '管辖范围', grids: '网格', areas: '区域', cps: '卡口', state: '状态', disabled: '已停用', enabled: '正常',
      all: '全部辖区', none: '未指派', scopeItem: '{label}：{names}', sep: '、', editScope: '修改范围', scopeTitle: '修改 {name} 的管辖范围', save: '保存', cancel: '取消', saved: '已保存', newUser: '新建账号', create: '创建',
      password: '初始密码（至少 10 位）', created: '已创建账号 {name}', badUsername: '用户名为 3–32 位小写字母、数字或 _ . -', badPassword: '密码至少 10 位', taken: '用户名已被使用',
      name: '名称', kind: '类型', grid: '所属网格', coords: '坐标', print: '打印场所码', printTitle: '场所码：{name}', printNow: '打印', close: '关闭', noCoords: '未登记',
      scopeHint: { volunteer: '志愿者：在指派的卡口扫码', gridworker: '网格员：负责指派的网格', tracer: '流调人员：所选区域及其下级（不选为全部）', officer: '卫生健康人员：所选区域及其下级（不选为全部）', admin: '管理员：全部' }
    }
  },
  en: {
    err: { GP_PAYLOAD_TOO_LARGE: 'The file or content is too large', GP_UNSUPPORTED_MEDIA_TYPE: 'The file\'s format or encoding is not recognised' },
    menu: { dashboard: 'Dashboard', grid: 'Grids and people', teams: 'Teams and roster', admin: 'Users and checkpoints' },
    level: { city: 'City/county', street: 'Street/town', community: 'Community/village', grid: 'Grid', all: 'All my areas' },
    dash: {
      title: '{name} ({level})', figures: 'Figures', people: 'People', households: 'Households', screenedHouseholds: 'Households screened', screenedPeople: 'People screened',
      returnees: 'Returnees', green: 'Green', yellow: 'Yellow', red: 'Red', scans24h: 'Scans, 24 h', children: 'Areas below', area: 'Area', open: 'Open',
      path: 'You are here', top: 'All my areas', colorsChart: 'Colours now by area below (stacked bars: green, yellow, red)', roundsChart: 'Open screening rounds (households screened / all)',
      scansChart: 'Scans per hour, last 24 hours', rounds: 'Screening progress', noRounds: 'No open screening round',
      screened: 'Screened', remaining: 'Not yet', scans: 'Scans', noChildren: 'This area has no areas below'
    },
    grid: {
      tree: 'Areas and grids', pick: 'Choose a grid on the left', households: 'Households of {name}', search: 'Find by address', searchButton: 'Find', address: 'Address', phone: 'Phone', members: 'People',
      open: 'Members', more: 'Load more', empty: 'No households match', membersOf: 'Members: {address}', name: 'Name', color: 'Colour now', noName: '(no name registered)', tabs: { people: 'Households and people', import: 'Import a register' }
    },
    imp: {
      title: 'Import a residents\' register', hint: 'Choose a CSV file (UTF-8 or GBK) with the header 姓名,身份证号,手机号,网格,住址. The file is imported only when every row passes; otherwise nothing is imported.',
      file: 'Register file (CSV)', pick: 'Choose a file', encoding: 'Encoding', auto: 'Detect', utf8: 'UTF-8', gbk: 'GBK (Chinese Excel)', upload: 'Upload and import', chosen: 'Chosen: {name} ({size})', none: 'No file chosen',
      progress: 'Progress', state: { uploading: 'Uploading {pct}%', receiving: 'The server is receiving', validating: 'Checking: {done} / {rows} rows', writing: 'Writing: {done} / {rows} rows', done: 'Imported', failed: 'Not imported' },
      done: 'Imported: {people} new people, {households} new households, {updated} updated', refused: 'The file has {n} problems and nothing was imported. Correct them and upload again.', refusedMax: ' (at most 100 are listed)',
      row: 'Row', column: 'Column', message: 'Problem', header: 'Header', wholeRow: 'Whole row', whole: 'Whole file',
      col: { name: 'Name', idNumber: 'ID number', phone: 'Mobile', gridId: 'Grid', address: 'Address' },
      busy: 'Another register is being imported. Try again shortly', tooLarge: 'The file is too large: at most 200,000 rows and 50 MB; split it', encodingBad: 'The file\'s encoding is not recognised: save it as CSV in UTF-8 or GBK',
      e: {
        unknownColumn: 'The header has a column "{col}" that is not known: it should be 姓名,身份证号,手机号,网格,住址 (any order)', twice: 'The header has the column "{col}" twice', missing: 'The header lacks the column "{col}"',
        fields: 'This row has {n} fields, the header {m} (a missing or extra comma?)', tooMany: 'The file has more than {n} rows: split it', empty: 'The file is empty: it needs the header and at least one row', noRows: 'The file has a header but no rows',
        required: 'Must not be empty', idLength: 'An ID number has 18 characters: 17 digits and a digit or X', idBirth: 'The date of birth in the ID number (characters 7–14) is not valid', idCheck: 'The ID number\'s check digit does not match', idInvalid: 'The ID number is not valid',
        phone: 'A mainland mobile number: 11 digits starting with 1 (or empty)', gridId: 'A grid code has letters, digits and _ . : - only, at most 64', gridUnknown: 'No grid "{grid}" in your area',
        dupId: 'The same ID number as row {row}', dupPhone: 'The same mobile as row {row} (one mobile is one person)', phoneTaken: 'This mobile belongs to another registered person',
        otherHousehold: 'This person is registered in another household (another address or grid): move them on the households page, then import again', outsideArea: 'This person is registered in a grid outside your area: ask staff whose area covers both grids',
        broken: 'Has a broken character', invisible: 'Has an invisible or control character: type it as printed on the ID card', blank: 'Is blank (only spaces)', marks: 'Too many combining marks in a row', tooLong: 'Is {n} characters long; at most {max}', other: 'Not valid here'
      }
    },
    team: {
      community: 'Community/village', pickCommunity: 'Choose a community or village', card: '{name}: the 1+1+N+K team', doctor: 'Community doctor', police: 'Community police officer', vacant: 'Vacant', gridWorkers: 'Grid workers (N={n})', checkpoints: 'Checkpoints (K={n})',
      edit: 'Set the doctor and police officer', editTitle: 'Set the community doctor and police officer', name: '{post}: name', phone: '{post}: phone', save: 'Save', cancel: 'Cancel', saved: 'Saved', grids: 'Grids', onDuty: 'On duty (next 24 h)',
      noDuty: 'Nobody on duty', updated: 'Last set by {by} at {at}', kind: 'Kind', notCommunity: 'Choose an area at community or village level', tabs: { card: 'Team', roster: 'Roster', map: 'Battle map' }, badPhone: 'Not a phone number: 11-digit mobile, or a landline with its area code (0717-4812345)'
    },
    roster: {
      title: 'Roster ({from} to {to})', checkpoint: 'Checkpoint', volunteer: 'Volunteer', from: 'From', to: 'To', by: 'Set by', add: 'Add a shift', remove: 'Remove', removed: 'Removed', added: 'Added',
      empty: 'No shifts in this period', pickCheckpoint: 'Choose a checkpoint', pickVolunteer: 'Choose a volunteer', noVolunteers: 'No volunteer is assigned to this checkpoint (assign under Users and checkpoints)', confirmRemove: 'Remove the shift of {name} at {at}?', range: 'Time', cancel: 'Cancel'
    },
    battle: {
      title: 'Battle map of {name}', label: 'Battle map: checkpoints drawn on their coordinates (longitude across, latitude up), coloured by kind, {n} checkpoints', unplaced: '{n} checkpoints have no coordinates and are not drawn', onDuty: 'On duty now: {names}',
      nobody: 'Nobody on duty now', scans: '{n} scans in 24 h', counts: '{n} checkpoints · {duty} on duty now · {scans} scans in 24 h', lon: 'Longitude', lat: 'Latitude', none: 'No checkpoints', dutyNow: 'On duty now'
    },
    admin: {
      users: 'Staff accounts', checkpoints: 'Checkpoints and place codes', username: 'Username', role: 'Role', scope: 'Scope', grids: 'Grids', areas: 'Areas', cps: 'Checkpoints', state: 'State', disabled: 'Disabled', enabled: 'Active',
      all: 'All areas', none: 'None assigned', scopeItem: '{label}: {names}', sep: ', ', editScope: 'Change scope', scopeTitle: 'Scope of {name}', save: 'Save', cancel: 'Cancel', saved: 'Saved', newUser: 'New account', create: 'Create',
      password: 'First password (at least 10 characters)', created: 'Created the account {name}', badUsername: 'Username: 3–32 lower-case letters, digits or _ . -', badPassword: 'The password needs at least 10 characters', taken: 'This username is taken',
      name: 'Name', kind: 'Kind', grid: 'Grid', coords: 'Coordinates', print: 'Print the place code', printTitle: 'Place code: {name}', printNow: 'Print', close: 'Close', noCoords: 'Not set',
      scopeHint: { volunteer: 'Volunteer: scans at the checkpoints assigned', gridworker: 'Grid worker: keeps the grids assigned', tracer: 'Tracer: the areas chosen and all below (none: everything)', officer: 'Health officer: the areas chosen and all below (none: everything)', admin: 'Administrator: everything' }
    }
  }
}
