// Words of the phone login and the check-in result, which the resident page and the check-in page both show.
export const residentWords = {
  'zh-CN': {
    login: {
      title: '手机号登录',
      phone: '手机号',
      phonePlaceholder: '11 位手机号',
      send: '获取验证码',
      resend: '{n} 秒后重新获取',
      code: '验证码',
      codePlaceholder: '6 位数字',
      submit: '登录',
      sent: '验证码已发送',
      dev: '开发模式验证码：{code}',
      wrongCode: '验证码错误或已过期'
    },
    checkin: {
      done: '已登记',
      refused: '已登记，但不能通行',
      place: '场所',
      time: '时间',
      name: '姓名',
      badPlace: '这不是有效的场所码，或场所码已过期。请扫描场所门口张贴的场所码。',
      unknownPlace: '找不到这个场所，请联系场所工作人员',
      noPlace: '请用手机相机扫描场所门口张贴的场所码。',
      working: '正在登记…',
      again: '重试',
      close: '完成',
      forStaff: '请向场所工作人员出示此页面'
    },
    offline: '离线'
  },
  en: {
    login: {
      title: 'Log in with your phone',
      phone: 'Phone number',
      phonePlaceholder: '11-digit mobile number',
      send: 'Get code',
      resend: 'Again in {n} s',
      code: 'Code',
      codePlaceholder: '6 digits',
      submit: 'Log in',
      sent: 'Code sent',
      dev: 'Dev mode code: {code}',
      wrongCode: 'Wrong or expired code'
    },
    checkin: {
      done: 'Checked in',
      refused: 'Checked in, but may not enter',
      place: 'Place',
      time: 'Time',
      name: 'Name',
      badPlace: 'This is not a valid place code, or it has expired. Scan the place code posted at the door.',
      unknownPlace: 'This place is unknown. Ask the staff here',
      noPlace: 'Scan the place code posted at the door with your phone camera.',
      working: 'Checking in…',
      again: 'Try again',
      close: 'Done',
      forStaff: 'Show this page to the staff at the door'
    },
    offline: 'Offline'
  }
}
