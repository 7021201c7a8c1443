import './lib/csp-config.js';
import { mount } from 'svelte';
import App from './App.svelte';
import './app.css';
import { setupI18n } from './i18n/index.js';
import { installDebugHook } from './lib/media/debug-hook.js';

setupI18n();
installDebugHook();

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
