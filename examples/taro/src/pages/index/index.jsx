import { useState } from 'react'
import { View, Text, Button } from '@tarojs/components'
import { useLoad } from '@tarojs/taro'
import { genauth } from '../../genauth'

export default function Index() {
  const [user, setUser] = useState(null)
  const [error, setError] = useState('')
  const [busy, setBusy] = useState(false)

  // WeChat login: the SDK calls wx.login itself and exchanges the code with GenAuth.
  async function login() {
    setBusy(true)
    setError('')
    try {
      setUser(await genauth.loginByCode())
    } catch (e) {
      setError(e.message)
    } finally {
      setBusy(false)
    }
  }

  useLoad(() => {
    login()
  })

  return (
    <View className='index'>
      {user ? (
        <View>
          <Text className='user-id'>{user.id}</Text>
          <Text className='nickname'>{user.nickname || '微信用户'}</Text>
        </View>
      ) : null}
      {error ? <Text className='error'>{error}</Text> : null}
      <Button loading={busy} onClick={login}>微信一键登录</Button>
    </View>
  )
}
