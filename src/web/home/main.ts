// /h5/: where each person finds their page.
import { createApp } from 'vue'
import '../shared/base.css'
import { makeI18n } from '../shared/i18n.ts'
import { registerServiceWorker } from '../shared/sw.ts'
import HomePage from './HomePage.vue'

const messages = {
  'zh-CN': {
    home: {
      title: 'gridpass 健康码',
      resident: '居民：我的健康码', residentSub: '手机号登录，健康申报，出示健康码',
      scanner: '卡口扫码', scannerSub: '志愿者：扫健康码，离线也能核验',
      checkin: '扫场所码登记', checkinSub: '进入场所时用手机扫门口的场所码',
      docs: '接口文档', docsSub: 'OpenAPI，供开发人员使用'
    }
  },
  en: {
    home: {
      title: 'gridpass health code',
      resident: 'Resident: my health code', residentSub: 'Log in by phone, declare, show your code',
      scanner: 'Checkpoint scanner', scannerSub: 'Volunteers: scan codes, also offline',
      checkin: 'Check in at a place', checkinSub: 'Scan the place code at the door with your phone',
      docs: 'API documentation', docsSub: 'OpenAPI, for developers'
    }
  }
}

createApp(HomePage).use(makeI18n(messages)).mount('#app')
registerServiceWorker()
