// Events come in bursts, and each only says "read again". A read asked for while one runs is folded into exactly
// one more read after it: never two at once, never one lost.
export function coalesce(read: () => Promise<void>): () => Promise<void> {
  let running = false
  let again = false
  const run = async (): Promise<void> => {
    if (running) {
      again = true
      return
    }
    running = true
    try {
      await read()
    } finally {
      running = false
      if (again) {
        again = false
        void run()
      }
    }
  }
  return run
}
