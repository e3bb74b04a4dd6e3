/* The resident's page: phone login, profile, a live code drawn here (never a server image), why, declarations, access log, appeals. */
(function () {
  'use strict'
  var gp = window.gp
  var $ = function (id) { return document.getElementById(id) }
  var SYMPTOMS = ['fever', 'cough', 'fatigue', 'sore_throat', 'shortness_of_breath', 'diarrhea', 'loss_of_taste_smell']

  gp.add({
    title: '健康码', logout: '退出',
    'login.title': '手机号登录', 'login.phone': '手机号', 'login.phone.ph': '11 位手机号', 'login.send': '获取验证码', 'login.code': '验证码', 'login.go': '登录',
    'login.dev': '开发模式验证码：', 'login.sent': '验证码已发送', 'login.badphone': '请输入 11 位手机号',
    'profile.title': '完善个人信息', 'profile.why': '姓名和身份证号加密保存，只用于核验身份，不会出现在二维码中。', 'profile.name': '姓名', 'profile.id': '身份证号', 'profile.save': '保存',
    green: '绿码', yellow: '黄码', red: '红码',
    'code.refresh': '二维码自动刷新，截图无效', 'code.until': '有效至',
    'tab.why': '为何此色', 'tab.declare': '健康申报', 'tab.access': '查阅记录', 'tab.appeal': '申诉',
    'why.title': '当前颜色的原因', 'why.none': '没有生效的规则：绿码。', 'why.history': '颜色变化记录', 'why.until': '至', 'why.open': '待解除',
    'declare.title': '今日健康申报', 'declare.temp': '体温（°C）', 'declare.symptoms': '症状（可多选）', 'declare.travel': '14 天内是否去过中高风险地区',
    'declare.contact': '14 天内是否接触过确诊病例', 'declare.go': '提交申报', 'declare.done': '已提交，当前为：', yes: '是',
    'sym.fever': '发热', 'sym.cough': '咳嗽', 'sym.fatigue': '乏力', 'sym.sore_throat': '咽痛', 'sym.shortness_of_breath': '气促', 'sym.diarrhea': '腹泻', 'sym.loss_of_taste_smell': '嗅味觉减退',
    'access.title': '谁查阅过我的信息', 'access.none': '暂无工作人员查阅记录。',
    'appeal.title': '对颜色有异议？', 'appeal.hint': '工作人员将在 48 小时内答复。', 'appeal.go': '提交申诉', 'appeal.due': '答复期限', 'appeal.open': '处理中', 'appeal.upheld': '维持原颜色', 'appeal.changed': '已调整颜色',
    'role.volunteer': '卡口志愿者', 'role.gridworker': '网格员', 'role.tracer': '流调人员', 'role.officer': '卫生健康人员', 'role.admin': '管理员',
    'actor.system': '系统', 'actor.self-declaration': '本人申报'
  }, {
    title: 'Health code', logout: 'Log out',
    'login.title': 'Log in with your phone', 'login.phone': 'Phone number', 'login.phone.ph': '11-digit mobile number', 'login.send': 'Get code', 'login.code': 'Code', 'login.go': 'Log in',
    'login.dev': 'Dev mode code: ', 'login.sent': 'Code sent', 'login.badphone': 'Enter an 11-digit mobile number',
    'profile.title': 'Your details', 'profile.why': 'Your name and ID number are stored encrypted, only used to check who you are, and never put in the QR code.', 'profile.name': 'Name', 'profile.id': 'ID number', 'profile.save': 'Save',
    green: 'GREEN', yellow: 'YELLOW', red: 'RED',
    'code.refresh': 'Refreshes by itself; screenshots do not work', 'code.until': 'valid until',
    'tab.why': 'Why', 'tab.declare': 'Declare', 'tab.access': 'Who looked', 'tab.appeal': 'Appeal',
    'why.title': 'Why your code has this colour', 'why.none': 'No rule is active: green.', 'why.history': 'Colour history', 'why.until': 'until', 'why.open': 'until lifted',
    'declare.title': "Today's health declaration", 'declare.temp': 'Temperature (°C)', 'declare.symptoms': 'Symptoms (any)', 'declare.travel': 'Visited a high-risk area in the last 14 days',
    'declare.contact': 'Contact with a confirmed case in the last 14 days', 'declare.go': 'Submit', 'declare.done': 'Submitted. Your code is now: ', yes: 'Yes',
    'sym.fever': 'Fever', 'sym.cough': 'Cough', 'sym.fatigue': 'Fatigue', 'sym.sore_throat': 'Sore throat', 'sym.shortness_of_breath': 'Short of breath', 'sym.diarrhea': 'Diarrhoea', 'sym.loss_of_taste_smell': 'Lost taste or smell',
    'access.title': 'Who looked at your data', 'access.none': 'No staff member has looked at your data.',
    'appeal.title': 'Disagree with your colour?', 'appeal.hint': 'Staff answer within 48 hours.', 'appeal.go': 'Send appeal', 'appeal.due': 'answer due', 'appeal.open': 'in progress', 'appeal.upheld': 'colour kept', 'appeal.changed': 'colour changed',
    'role.volunteer': 'checkpoint volunteer', 'role.gridworker': 'grid worker', 'role.tracer': 'tracer', 'role.officer': 'health officer', 'role.admin': 'administrator',
    'actor.system': 'system', 'actor.self-declaration': 'your declaration'
  })

  var refreshTimer = null
  var clockTimer = null
  var lastStatus = null

  function show (id) {
    var ids = ['login', 'profile', 'home']
    for (var i = 0; i < ids.length; i++) $(ids[i]).classList.toggle('hidden', ids[i] !== id)
    $('logout').classList.toggle('hidden', id === 'login')
  }

  function li (html) { var el = document.createElement('li'); el.innerHTML = html; return el }
  function esc (s) { return String(s == null ? '' : s).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';' }) }
  function actor (a) { var k = 'actor.' + a; return gp.t(k) === k ? a : gp.t(k) }

  // Login
  $('send').addEventListener('click', function () {
    var phone = $('phone').value.replace(/\s+/g, '')
    if (!/^(\+86)?1\d{10}$/.test(phone)) { $('login-error').textContent = gp.t('login.badphone'); return }
    $('send').disabled = true
    gp.api('POST', '/v1/auth/otp', { phone: phone }).then(function (res) {
      if (res.status !== 202) { $('login-error').textContent = gp.errorText(res); $('send').disabled = false; return }
      $('login-error').textContent = ''
      var dev = $('devcode')
      dev.textContent = res.body.devCode ? gp.t('login.dev') + res.body.devCode : gp.t('login.sent')
      dev.classList.remove('hidden')
      setTimeout(function () { $('send').disabled = false }, 60000)
    })
  })
  $('verify').addEventListener('click', function () {
    var phone = $('phone').value.replace(/\s+/g, '')
    gp.api('POST', '/v1/auth/otp/verify', { phone: phone, code: $('otp').value.trim() }).then(function (res) {
      if (res.status !== 200) { $('login-error').textContent = gp.errorText(res); return }
      localStorage.setItem('gp.token', res.body.accessToken)
      start()
    })
  })
  $('logout').addEventListener('click', function () {
    localStorage.removeItem('gp.token')
    stopTimers()
    show('login')
  })

  // Profile
  $('save-profile').addEventListener('click', function () {
    gp.api('PUT', '/v1/me/profile', { name: $('name').value.trim(), idNumber: $('idnumber').value.trim() }).then(function (res) {
      if (res.status !== 200) { $('profile-error').textContent = gp.errorText(res); return }
      start()
    })
  })

  // The live code: drawn here from the signed token, refreshed at half its life.
  function drawCode (res) {
    var body = res.body
    var box = $('code')
    box.className = 'card code ' + body.color
    $('code-label').textContent = gp.t(body.color)
    box.setAttribute('data-color', body.color)
    $('qr').setAttribute('data-token', body.token)
    window.QRCode.toCanvas($('qr'), body.token, { errorCorrectionLevel: 'M', margin: 4, width: 260 }, function () {})
    $('expires').textContent = gp.t('code.until') + ' ' + gp.fmtTime(body.expiresAt).slice(11) + ':' + ('0' + new Date(body.expiresAt).getSeconds()).slice(-2)
    var life = Date.parse(body.expiresAt) - Date.parse(body.issuedAt)
    clearTimeout(refreshTimer)
    refreshTimer = setTimeout(loadCode, Math.max(5000, life / 2))
  }

  function loadCode () {
    return gp.api('GET', '/v1/me/code').then(function (res) {
      if (res.status === 401) { localStorage.removeItem('gp.token'); show('login'); return false }
      if (res.status === 409) { show('profile'); return false }
      if (res.status !== 200) {
        $('code-error').textContent = gp.errorText(res)
        clearTimeout(refreshTimer)
        refreshTimer = setTimeout(loadCode, 10000)
        return true
      }
      $('code-error').textContent = ''
      drawCode(res)
      return true
    })
  }

  function tick () {
    var d = new Date()
    var p = function (n) { return (n < 10 ? '0' : '') + n }
    $('clock').textContent = p(d.getHours()) + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds())
  }

  function stopTimers () { clearTimeout(refreshTimer); clearInterval(clockTimer) }

  function renderStatus (s) {
    lastStatus = s
    var reasons = $('reasons')
    reasons.innerHTML = ''
    if (s.reasons.length === 0) reasons.appendChild(li(esc(gp.t('why.none'))))
    s.reasons.forEach(function (r) {
      var until = r.until ? gp.fmtTime(r.until) : gp.t('why.open')
      var color = r.rule === 'symptoms' || r.rule === 'secondary_contact' ? 'yellow' : 'red'
      reasons.appendChild(li('<span class="dot ' + color + '"></span>' + esc(gp.lang === 'zh' ? r.textZh : r.text) + '<br><small class="hint">' + esc(gp.fmtTime(r.since)) + ' – ' + esc(until) + '</small>'))
    })
    var history = $('history')
    history.innerHTML = ''
    s.history.slice().reverse().forEach(function (h) {
      history.appendChild(li('<span class="dot ' + h.color + '"></span>' + esc(gp.t(h.color)) + ' · ' + esc(gp.fmtTime(h.at)) + '<br><small class="hint">' + esc(h.rule) + ' · ' + esc(actor(h.actor)) + ' · ' + esc(h.reason) + '</small>'))
    })
    var appeals = $('appeals')
    appeals.innerHTML = ''
    ;(s.appeals || []).forEach(function (a) {
      var state = a.status === 'open' ? gp.t('appeal.open') + ' · ' + gp.t('appeal.due') + ' ' + gp.fmtTime(a.dueAt) : gp.t('appeal.' + a.outcome) + (a.note ? ' · ' + a.note : '')
      appeals.appendChild(li(esc(a.message) + '<br><small class="hint">' + esc(state) + '</small>'))
    })
  }

  function loadStatus () {
    return gp.api('GET', '/v1/me/status').then(function (res) { if (res.status === 200) renderStatus(res.body) })
  }

  function loadAccess () {
    return gp.api('GET', '/v1/me/access-log').then(function (res) {
      var list = $('access')
      list.innerHTML = ''
      if (res.status !== 200) return
      if (res.body.entries.length === 0) list.appendChild(li(esc(gp.t('access.none'))))
      res.body.entries.forEach(function (e) {
        list.appendChild(li(esc(gp.fmtTime(e.at)) + ' · ' + esc(gp.t('role.' + e.role)) + '<br><small class="hint">' + esc(e.action) + (e.purpose ? ' · ' + esc(e.purpose) : '') + '</small>'))
      })
    })
  }

  // Tabs
  var tabs = document.querySelectorAll('nav.tabs button')
  for (var i = 0; i < tabs.length; i++) {
    tabs[i].addEventListener('click', function (ev) {
      var name = ev.currentTarget.getAttribute('data-tab')
      for (var j = 0; j < tabs.length; j++) tabs[j].classList.toggle('on', tabs[j] === ev.currentTarget)
      var panes = document.querySelectorAll('.tab')
      for (var k = 0; k < panes.length; k++) panes[k].classList.toggle('hidden', panes[k].id !== 'tab-' + name)
      if (name === 'access') loadAccess()
      if (name === 'why' || name === 'appeal') loadStatus()
    })
  }

  // Declaration
  var symBox = $('symptoms')
  SYMPTOMS.forEach(function (s) {
    var label = document.createElement('label')
    label.innerHTML = '<input type="checkbox" value="' + s + '"> <span data-i18n="sym.' + s + '"></span>'
    symBox.appendChild(label)
  })
  $('declare').addEventListener('click', function () {
    var symptoms = []
    var boxes = symBox.querySelectorAll('input:checked')
    for (var i = 0; i < boxes.length; i++) symptoms.push(boxes[i].value)
    var body = { temperature: Number($('temp').value), symptoms: symptoms, visitedHighRiskArea: $('travel').checked, contactWithConfirmed: $('contact').checked }
    gp.api('POST', '/v1/me/declarations', body).then(function (res) {
      if (res.status !== 201) { $('declare-error').textContent = gp.errorText(res); return }
      $('declare-error').textContent = ''
      $('declare-done').textContent = gp.t('declare.done') + gp.t(res.body.color)
      loadCode()
      loadStatus()
    })
  })

  // Appeal
  $('appeal').addEventListener('click', function () {
    var message = $('appeal-msg').value.trim()
    if (message === '') return
    gp.api('POST', '/v1/me/appeals', { message: message }).then(function (res) {
      if (res.status !== 201) { $('appeal-error').textContent = gp.errorText(res); return }
      $('appeal-error').textContent = ''
      $('appeal-msg').value = ''
      loadStatus()
    })
  })

  gp.onLang = function () {
    if (lastStatus) renderStatus(lastStatus)
    var color = $('code').getAttribute('data-color')
    if (color) $('code-label').textContent = gp.t(color)
  }

  function start () {
    if (!localStorage.getItem('gp.token')) { show('login'); return }
    loadCode().then(function (ok) {
      if (!ok) return
      show('home')
      tick()
      clearInterval(clockTimer)
      clockTimer = setInterval(tick, 1000)
      loadStatus()
    })
  }

  document.addEventListener('DOMContentLoaded', start)
})()
