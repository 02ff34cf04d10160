import { createApp } from 'vue'
import ElementPlus from 'element-plus'
import zhCn from 'element-plus/es/locale/lang/zh-cn'
import 'element-plus/dist/index.css'
import './style.css'
import App from './App.vue'
import { router } from './router'
import { client, session } from './session'

client.setSessionEndHandler(() => {
  session.me = null
  session.endedMessage = '登录已失效，请重新登录'
  void router.replace({ name: 'login' })
})

createApp(App).use(ElementPlus, { locale: zhCn }).use(router).mount('#app')
