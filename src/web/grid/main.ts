// /h5/grid/: the grid worker's page (网格员): tasks, households, screening, registering people without phones, paper codes.
import { createApp } from 'vue'
import 'vant/es/button/style/index'
import '../shared/base.css'
import '../shared/phone.css'
import './grid.css'
import { makeI18n } from '../shared/i18n.ts'
import { registerServiceWorker } from '../shared/sw.ts'
import GridApp from './GridApp.vue'
import { messages } from './messages.ts'

createApp(GridApp).use(makeI18n(messages)).mount('#app')
registerServiceWorker()
