/* Shared by the H5 pages: language switch (Chinese first, English), API calls with the session token. */
(function () {
  'use strict'
  var lang = localStorage.getItem('gp.lang') || 'zh'
  var dict = { zh: {}, en: {} }

  function t (key) {
    var v = dict[lang][key]
    if (v === undefined) v = dict.zh[key]
    return v === undefined ? key : v
  }

  function apply (root) {
    var nodes = (root || document).querySelectorAll('[data-i18n]')
    for (var i = 0; i < nodes.length; i++) nodes[i].textContent = t(nodes[i].getAttribute('data-i18n'))
    var ph = (root || document).querySelectorAll('[data-i18n-placeholder]')
    for (var j = 0; j < ph.length; j++) ph[j].setAttribute('placeholder', t(ph[j].getAttribute('data-i18n-placeholder')))
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'
    var sw = document.getElementById('lang')
    if (sw) sw.textContent = lang === 'zh' ? 'English' : '中文'
  }

  function setLang (l) {
    lang = l
    localStorage.setItem('gp.lang', l)
    apply()
    if (typeof window.gp.onLang === 'function') window.gp.onLang()
  }

  /** Calls the API; resolves to { status, body }. Network failures resolve to status 0. */
  function api (method, path, body, tokenKey) {
    var headers = {}
    var token = localStorage.getItem(tokenKey || 'gp.token')
    if (token) headers.authorization = 'Bearer ' + token
    if (body !== undefined) headers['content-type'] = 'application/json'
    return fetch(path, { method: method, headers: headers, body: body === undefined ? undefined : JSON.stringify(body) })
      .then(function (res) {
        return res.text().then(function (text) {
          var json = null
          try { json = text ? JSON.parse(text) : null } catch (_e) { json = null }
          return { status: res.status, body: json }
        })
      }, function () { return { status: 0, body: null } })
  }

  /** A readable sentence for a failed call. */
  function errorText (res) {
    if (res.status === 0) return t('err.network')
    if (res.body && res.body.code && dict[lang]['code.' + res.body.code]) return t('code.' + res.body.code)
    return (res.body && res.body.message) || t('err.generic')
  }

  function fmtTime (iso) {
    if (!iso) return '—'
    var d = new Date(iso)
    var p = function (n) { return (n < 10 ? '0' : '') + n }
    return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':' + p(d.getMinutes())
  }

  window.gp = {
    t: t, apply: apply, setLang: setLang, api: api, errorText: errorText, fmtTime: fmtTime,
    get lang () { return lang },
    add: function (zh, en) { Object.assign(dict.zh, zh); Object.assign(dict.en, en) },
    onLang: null
  }

  window.gp.add({
    'err.network': '网络不可用，请稍后再试',
    'err.generic': '出错了，请重试',
    'code.GP_RATE_LIMITED': '操作太频繁，请稍后再试',
    'code.GP_UNAUTHENTICATED': '验证码错误或已过期',
    'code.GP_INVALID_ID_NUMBER': '身份证号码不正确，请检查',
    'code.GP_CONFLICT': '该身份证号已绑定其他手机号，请联系网格员'
  }, {
    'err.network': 'No network. Try again later.',
    'err.generic': 'Something went wrong. Try again.',
    'code.GP_RATE_LIMITED': 'Too many tries. Wait a little.',
    'code.GP_UNAUTHENTICATED': 'Wrong or expired code.',
    'code.GP_INVALID_ID_NUMBER': 'That ID number is not valid. Check it.',
    'code.GP_CONFLICT': 'This ID number is bound to another phone. Ask your grid worker.'
  })

  document.addEventListener('DOMContentLoaded', function () {
    var sw = document.getElementById('lang')
    if (sw) sw.addEventListener('click', function () { setLang(lang === 'zh' ? 'en' : 'zh') })
    apply()
  })
})()
