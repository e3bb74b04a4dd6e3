// Worker bootstrap: Node 20 workers do not inherit the main thread's TypeScript loader, so register tsx here.
import { register } from 'tsx/esm/api'

register()
await import('./image-worker.ts')
