"""The tiny sign-in code the Vue end-to-end test adds to a create-vue scaffold: a Pinia store with
login()/logout() against the stand-in API (tests/frontends/spa_server.py), and a sign-out button."""

AUTH_STORE_TS = """\
import { ref } from 'vue'
import { defineStore } from 'pinia'

export const useAuthStore = defineStore('auth', () => {
  const signedIn = ref(false)

  async function login(username: string, password: string) {
    const response = await fetch('/api/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      credentials: 'same-origin',
      body: JSON.stringify({ username, password }),
    })
    if (!response.ok) {
      throw new Error('Wrong username or password')
    }
    signedIn.value = true
  }

  async function logout() {
    await fetch('/logout', { method: 'POST', credentials: 'same-origin' })
    signedIn.value = false
  }

  return { signedIn, login, logout }
})
"""

APP_VUE = """\
<script setup lang="ts">
import { RouterLink, RouterView } from 'vue-router'
import { useAuthStore } from './stores/auth'

const auth = useAuthStore()
</script>

<template>
  <header>
    <nav>
      <RouterLink to="/">Home</RouterLink>
      <RouterLink to="/about">About</RouterLink>
      <button id="logout" type="button" @click="auth.logout()">Sign out</button>
    </nav>
  </header>

  <RouterView />
</template>
"""
