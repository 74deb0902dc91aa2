import { useEffect, useRef } from 'react';
import type { HostToWebview } from '../../src/protocol';
import { asHostMessage, postToHost } from './vscodeApi';

/**
 * Listens to the host and announces `ready` once listening, so nothing the host sends in
 * answer can arrive before the listener exists.
 */
export function useHostMessages(handle: (message: HostToWebview) => void): void {
  const handler = useRef(handle);
  handler.current = handle;
  useEffect(() => {
    const onMessage = (event: MessageEvent) => {
      const message = asHostMessage(event.data);
      if (message) handler.current(message);
    };
    window.addEventListener('message', onMessage);
    postToHost({ type: 'ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);
}
