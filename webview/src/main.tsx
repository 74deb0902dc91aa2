/** Entry of the panel's bundle (dist/webview/main.js + main.css). */
import { createRoot } from 'react-dom/client';
import 'uplot/dist/uPlot.min.css';
import { App } from './App';
import './base.css';
import './architecture.css';
import './training.css';

const container = document.getElementById('root') ?? document.body.appendChild(document.createElement('div'));
createRoot(container).render(<App />);
