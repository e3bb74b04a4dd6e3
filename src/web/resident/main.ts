// /h5/resident/: the resident's page (phone login, profile, live code, declaration, why, access log, appeals, place codes).
import { createApp } from 'vue'
import 'vant/es/button/style/index'
import 'vant/es/field/style/index'
import 'vant/es/form/style/index'
import 'vant/es/cell/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/checkbox/style/index'
import 'vant/es/checkbox-group/style/index'
import 'vant/es/radio/style/index'
import 'vant/es/radio-group/style/index'
import 'vant/es/tab/style/index'
import 'vant/es/tabs/style/index'
import 'vant/es/popup/style/index'
import '../shared/base.css'
import '../shared/phone.css'
import './resident.css'
import { makeI18n } from '../shared/i18n.ts'
import { residentWords } from '../shared/resident-words.ts'
import { registerServiceWorker } from '../shared/sw.ts'
import { messages } from './messages.ts'
import ResidentApp from './ResidentApp.vue'

const merged = {
  'zh-CN': { ...residentWords['zh-CN'], ...messages['zh-CN'] },
  en: { ...residentWords.en, ...messages.en }
}
createApp(ResidentApp).use(makeI18n(merged)).mount('#app')
registerServiceWorker()
