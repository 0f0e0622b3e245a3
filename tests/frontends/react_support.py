"""The small sign-in/sign-out React app the end-to-end test adds to a fresh Vite scaffold."""

API_TS = """\
export async function postJson(url: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
}
"""

AUTH_TS = """\
import { postJson } from './api'

export async function login(username: string, password: string): Promise<void> {
  const response = await postJson('/api/login', { username, password })
  if (!response.ok) {
    throw new Error('Wrong username or password')
  }
}

export async function logout(): Promise<void> {
  await postJson('/logout')
}
"""

MAIN_TSX = """\
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { BrowserRouter } from 'react-router'
import './index.css'
import App from './App.tsx'

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <BrowserRouter>
      <App />
    </BrowserRouter>
  </StrictMode>,
)
"""

APP_TSX = """\
import { useState, type FormEvent } from 'react'
import { Link, Route, Routes, useNavigate } from 'react-router'
import { login, logout } from './auth'
import './App.css'

function Home() {
  return <h1>Home</h1>
}

function About() {
  return <h1>About</h1>
}

function SignInPage() {
  const navigate = useNavigate()
  const [error, setError] = useState('')

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault()
    const form = new FormData(event.currentTarget)
    try {
      await login(String(form.get('username')), String(form.get('password')))
      navigate('/')
    } catch (failure) {
      setError(String(failure))
    }
  }

  return (
    <form onSubmit={(event) => void submit(event)}>
      <input name="username" />
      <input name="password" type="password" />
      <button type="submit">Sign in</button>
      {error && <p>{error}</p>}
    </form>
  )
}

function App() {
  const navigate = useNavigate()

  async function handleSignOut() {
    await logout()
    navigate('/')
  }

  return (
    <>
      <nav>
        <Link to="/">Home</Link> <Link to="/about">About</Link> <Link to="/sign-in">Sign in</Link>
        <button id="logout" type="button" onClick={() => void handleSignOut()}>
          Sign out
        </button>
      </nav>
      <Routes>
        <Route path="/" element={<Home />} />
        <Route path="/about" element={<About />} />
        <Route path="/sign-in" element={<SignInPage />} />
      </Routes>
    </>
  )
}

export default App
"""
