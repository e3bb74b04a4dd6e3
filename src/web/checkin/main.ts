// /h5/checkin#<placeToken>: what a phone camera opens from a place code (场所码); checks the resident in.
import { createApp } from 'vue'
import 'vant/es/button/style/index'
import 'vant/es/field/style/index'
import 'vant/es/form/style/index'
import 'vant/es/cell/style/index'
import '../shared/base.css'
import '../shared/phone.css'
import { makeI18n } from '../shared/i18n.ts'
import { residentWords } from '../shared/resident-words.ts'
import { registerServiceWorker } from '../shared/sw.ts'
import CheckinApp from './CheckinApp.vue'

const messages = {
  'zh-CN': { ...residentWords['zh-CN'], page: { title: '场所登记', toResident: '去完善个人信息', home: '我的健康码' } },
  en: { ...residentWords.en, page: { title: 'Check in', toResident: 'Fill in your details', home: 'My health code' } }
}
createApp(CheckinApp).use(makeI18n(messages)).mount('#app')
registerServiceWorker()
