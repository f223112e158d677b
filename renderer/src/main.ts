import { mount } from 'svelte';
import App from './App.svelte';
import { pickClient } from './api/client.ts';
import { Session } from './state/session.svelte.ts';
import './app.css';

const session = new Session();
const client = pickClient(session.expire);
const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');

export default mount(App, { target, props: { client, session } });
