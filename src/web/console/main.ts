// /console/: the staff console for tracers, health officers and admins (Element Plus, ECharts), a desktop page.
import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import '../shared/base.css'
import './console.css'
import { makeI18n } from '../shared/i18n.ts'
import { messages } from './messages.ts'
import ConsoleApp from './ConsoleApp.vue'

createApp(ConsoleApp).use(ElementPlus).use(makeI18n(messages)).mount('#app')
