/**
 * The panel's HTML: the bundled React app under a strict Content-Security-Policy.
 * Scripts run only with this page's nonce; styles, images and fetches only from the
 * extension's bundle folder and the folders it names (run folders, for samples).
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export function panelHtml(webview: vscode.Webview, bundleRoot: vscode.Uri): string {
  const nonce = randomBytes(16).toString('base64');
  const script = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'main.js'));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(bundleRoot, 'main.css'));
  const csp = [
    "default-src 'none'",
    // data: for the PNG export (the diagram drawn to a canvas).
    `img-src ${webview.cspSource} data:`,
    // React and uPlot set styles through the DOM, which a style-src without 'unsafe-inline' allows.
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    `connect-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>GAN Studio</title>
</head>
<body>
<div id="root"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
