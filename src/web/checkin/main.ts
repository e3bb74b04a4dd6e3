// Placeholder entry while the page is being built.
import { createApp, h } from 'vue'
createApp({ render: () => h('p', 'gridpass') }).mount('#app')
