// /h5/scanner/: the checkpoint volunteer's scanner, offline first.
import { createApp } from 'vue'
import 'vant/es/button/style/index'
import 'vant/es/field/style/index'
import 'vant/es/cell-group/style/index'
import 'vant/es/form/style/index'
import '../shared/base.css'
import { makeI18n } from '../shared/i18n.ts'
import { registerServiceWorker } from '../shared/sw.ts'
import ScannerApp from './ScannerApp.vue'
import { messages } from './messages.ts'

createApp(ScannerApp).use(makeI18n(messages)).mount('#app')
registerServiceWorker()
