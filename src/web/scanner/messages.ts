// The scanner page's words, zh-CN first.
export const messages = {
  'zh-CN': {
    scanner: {
      title: '卡口扫码',
      login: { title: '志愿者登录', username: '用户名', password: '密码', submit: '登录', expired: '登录已过期，请重新登录。待同步的扫码记录保存在本机，登录后自动上传，不会丢失。', logout: '退出登录' },
      checkpoint: '卡口', noCheckpoint: '您的账号还没有分配卡口，请联系管理员。',
      direction: { label: '方向', in: '进', out: '出', pass: '通过' },
      vehicle: { start: '车辆模式', label: '车牌', placeholder: '如 鄂E12345', begin: '开始登记此车', end: '结束车辆', current: '当前车辆：{plate}（之后扫的人都记为同车）' },
      status: {
        online: '在线', offline: '离线：扫码照常判定，记录保存在本机',
        pending: '待同步 {n}', lastSync: '上次同步 {time}', never: '尚未同步', syncNow: '立即同步', syncing: '同步中…',
        keys: '公钥', list: '状态名单', age: '{what}：{age}前更新', missing: '{what}：尚未下载',
        fresh: '{what}：刚刚更新', minutes: '{n} 分钟', hours: '{n} 小时', days: '{n} 天', justNow: '刚刚更新',
        clock: '本机时间与服务器相差 {s} 秒，请校准手机时间',
        notDurable: '本机无法保存离线记录（可能是无痕模式或存储已满）：只能在线扫码。',
        noCrypto: '页面不是通过 HTTPS 打开，无法在本机核验签名：只能在线扫码。'
      },
      sync: { failed: '同步失败，稍后自动重试', needLogin: '请重新登录后同步' },
      fallback: { photo: '拍照识别', idNumber: '输入身份证号', idLabel: '身份证号', idSubmit: '核验', cancel: '取消', wedge: '也可接 USB 或蓝牙扫码枪，扫到即判定' },
      result: { local: '本机离线判定（联网后由服务器复核）', tapToContinue: '点击任意处继续扫码' },
      mismatch: { title: '服务器的判定与现场不同', item: '{time} 的扫码：现场显示 {local}，服务器判定 {server}', dismiss: '知道了' }
    },
    scan: {
      notCode: '不是健康码', notCodeHint: '请对方出示健康码',
      placeCode: '这是场所码', placeCodeHint: '场所码供居民自己扫；请对方出示健康码',
      cannotJudge: '暂时无法判定：本机还没有下载公钥，请联网',
      cannotQueue: '无法保存这次扫码：请联网后重扫',
      chooseCheckpoint: '请先选择卡口',
      idNeedsNetwork: '输入身份证号核验需要联网'
    }
  },
  en: {
    scanner: {
      title: 'Checkpoint scanner',
      login: { title: 'Volunteer login', username: 'Username', password: 'Password', submit: 'Log in', expired: 'Your login has expired. Log in again: the scans waiting here are kept on this phone and sent after you log in.', logout: 'Log out' },
      checkpoint: 'Checkpoint', noCheckpoint: 'Your account has no checkpoint yet. Ask an administrator.',
      direction: { label: 'Direction', in: 'In', out: 'Out', pass: 'Through' },
      vehicle: { start: 'Vehicle mode', label: 'Plate', placeholder: 'e.g. 鄂E12345', begin: 'Start this vehicle', end: 'End vehicle', current: 'Vehicle {plate}: everyone scanned now is recorded in it' },
      status: {
        online: 'Online', offline: 'Offline: scans are judged here and kept on this phone',
        pending: '{n} to sync', lastSync: 'last sync {time}', never: 'not synced yet', syncNow: 'Sync now', syncing: 'Syncing…',
        keys: 'Public keys', list: 'Status list', age: '{what}: updated {age} ago', missing: '{what}: not downloaded yet',
        fresh: '{what}: just updated', minutes: '{n} min', hours: '{n} h', days: '{n} days', justNow: 'just updated',
        clock: 'This phone\'s clock is {s} s off the server\'s: set the time',
        notDurable: 'This phone cannot keep offline scans (private mode or storage full): online scanning only.',
        noCrypto: 'The page is not opened over HTTPS, so signatures cannot be checked here: online scanning only.'
      },
      sync: { failed: 'Sync failed; it will retry by itself', needLogin: 'Log in again to sync' },
      fallback: { photo: 'Take a photo', idNumber: 'Type an ID number', idLabel: 'ID number', idSubmit: 'Check', cancel: 'Cancel', wedge: 'A USB or Bluetooth barcode scanner works too' },
      result: { local: 'Judged on this phone (the server checks it once online)', tapToContinue: 'Tap anywhere to scan on' },
      mismatch: { title: 'The server judged differently', item: 'Scan at {time}: shown {local}, server says {server}', dismiss: 'OK' }
    },
    scan: {
      notCode: 'Not a health code', notCodeHint: 'Ask for their health code',
      placeCode: 'This is a place code', placeCodeHint: 'Residents scan place codes themselves; ask for their health code',
      cannotJudge: 'Cannot judge yet: no public keys on this phone, go online',
      cannotQueue: 'This scan could not be kept: go online and scan again',
      chooseCheckpoint: 'Choose a checkpoint first',
      idNeedsNetwork: 'Checking an ID number needs the network'
    }
  }
}
