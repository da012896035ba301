// Saving a file the API answers. A plain link cannot carry the access token (it lives in this tab's memory, not in a
// cookie), so the file is fetched as the user and handed to the browser as an object URL under its own name.
import { apiFile } from './session'

export async function download(path: string, fallbackName: string): Promise<void> {
  const file = await apiFile(path)
  const link = document.createElement('a')
  link.href = URL.createObjectURL(file.blob)
  link.download = file.name || fallbackName
  link.click()
  URL.revokeObjectURL(link.href)
}
