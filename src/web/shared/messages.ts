// Words every page shares, in both languages: colours, verdicts, reasons, API errors, roles, audit actions and rules.
export const shared = {
  'zh-CN': {
    lang: { switch: 'English', name: '中文' },
    camera: {
      view: '摄像头画面',
      starting: '正在打开摄像头…',
      denied: '没有摄像头权限：请在浏览器设置中允许使用摄像头，或使用下方的拍照、输入身份证号。',
      unavailable: '无法使用摄像头（此浏览器或页面不支持）：请使用下方的拍照、输入身份证号，或接扫码枪。',
      torchOn: '打开手电筒',
      torchOff: '关闭手电筒'
    },
    color: { green: '绿码', yellow: '黄码', red: '红码', none: '无效码' },
    verdict: { allow: '通行', deny: '禁止通行' },
    reason: {
      malformed: '不是有效的健康码',
      alg_not_allowed: '签名方式不被接受，可能是伪造的码',
      unknown_key: '签发密钥未知，可能是伪造的码',
      bad_signature: '签名不符，可能是伪造或篡改的码',
      wrong_type: '这不是健康码',
      wrong_issuer: '不是本系统签发的码',
      expired: '码已过期，请对方刷新健康码',
      not_yet_valid: '码的时间在将来，请核对手机时间',
      unknown_person: '查无此人',
      color_yellow: '黄码：需核查，请引导至核查点',
      color_red: '红码：禁止通行，请联系防疫人员',
      clock_out_of_range: '扫码时间超出允许范围'
    },
    error: {
      network: '网络不通，请稍后重试',
      GP_VALIDATION: '填写的内容不正确，请检查',
      GP_UNAUTHENTICATED: '登录已失效，请重新登录',
      GP_FORBIDDEN: '没有权限进行此操作',
      GP_NOT_FOUND: '找不到相关记录',
      GP_CONFLICT: '与已有记录冲突',
      GP_RATE_LIMITED: '操作太频繁，请稍后再试',
      GP_INVALID_ID_NUMBER: '身份证号码不正确，请核对',
      GP_PROFILE_REQUIRED: '请先完善个人信息',
      GP_PAYLOAD_TOO_LARGE: '文件太大',
      GP_UNSUPPORTED_MEDIA_TYPE: '文件格式不支持',
      server: '服务器暂时无法处理，请稍后重试',
      login: '用户名或密码不正确',
      field: {
        phone: '请输入 11 位手机号',
        code: '请输入 6 位验证码',
        temperature: '体温应在 34.0 至 43.0 °C 之间',
        name: '请填写姓名',
        idNumber: '请输入 18 位身份证号',
        message: '请填写申诉内容',
        username: '请输入用户名',
        password: '请输入密码',
        plate: '车牌号格式不正确',
        image: '没有在照片中找到二维码'
      }
    }
  },
  en: {
    lang: { switch: '中文', name: 'English' },
    camera: {
      view: 'Camera view',
      starting: 'Opening the camera…',
      denied: 'No camera permission: allow the camera in the browser settings, or use a photo or the ID number below.',
      unavailable: 'The camera cannot be used here: use a photo or the ID number below, or plug in a barcode scanner.',
      torchOn: 'Torch on',
      torchOff: 'Torch off'
    },
    color: { green: 'Green code', yellow: 'Yellow code', red: 'Red code', none: 'Invalid code' },
    verdict: { allow: 'Pass', deny: 'Do not pass' },
    reason: {
      malformed: 'Not a valid health code',
      alg_not_allowed: 'Signature method refused: possibly forged',
      unknown_key: 'Signed by an unknown key: possibly forged',
      bad_signature: 'Signature does not match: forged or altered',
      wrong_type: 'This is not a health code',
      wrong_issuer: 'Not issued by this system',
      expired: 'Code expired: ask them to refresh it',
      not_yet_valid: 'Code dated in the future: check the phone clock',
      unknown_person: 'No such person',
      color_yellow: 'Yellow: to be checked, send to the checking point',
      color_red: 'Red: do not let through, call the health staff',
      clock_out_of_range: 'Scan time out of the allowed range'
    },
    error: {
      network: 'No network. Try again later',
      GP_VALIDATION: 'Something entered is not right. Please check',
      GP_UNAUTHENTICATED: 'Your login has expired. Please log in again',
      GP_FORBIDDEN: 'You may not do this',
      GP_NOT_FOUND: 'Not found',
      GP_CONFLICT: 'This conflicts with an existing record',
      GP_RATE_LIMITED: 'Too many tries. Wait a moment',
      GP_INVALID_ID_NUMBER: 'The ID number is not valid. Please check it',
      GP_PROFILE_REQUIRED: 'Please fill in your details first',
      GP_PAYLOAD_TOO_LARGE: 'The file is too large',
      GP_UNSUPPORTED_MEDIA_TYPE: 'This file type is not supported',
      server: 'The server could not do this now. Try again later',
      login: 'Wrong username or password',
      field: {
        phone: 'Enter an 11-digit mobile number',
        code: 'Enter the 6-digit code',
        temperature: 'Temperature must be between 34.0 and 43.0 °C',
        name: 'Enter your name',
        idNumber: 'Enter an 18-character ID number',
        message: 'Write what your appeal is about',
        username: 'Enter your username',
        password: 'Enter your password',
        plate: 'The plate number is not valid',
        image: 'No QR code was found in the photo'
      }
    }
  }
}
