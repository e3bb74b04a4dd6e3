/* The landing page's texts. */
window.gp.add({
  'home.title': 'gridpass 健康码', 'home.resident': '居民：我的健康码', 'home.resident.sub': '手机号登录，健康申报，出示健康码',
  'home.docs': '接口文档', 'home.docs.sub': 'OpenAPI，供开发人员使用'
}, {
  'home.title': 'gridpass health code', 'home.resident': 'Residents: my health code', 'home.resident.sub': 'Log in with your phone, declare your health, show your code',
  'home.docs': 'API documentation', 'home.docs.sub': 'OpenAPI, for developers'
})
