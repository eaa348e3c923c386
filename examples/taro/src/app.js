// The app shell: Taro renders each page as its children.
function App({ children }) {
  return children
}

export default App
