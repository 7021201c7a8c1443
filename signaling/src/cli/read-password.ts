import { createInterface } from 'node:readline';

/**
 * The password, never from the command line (it would sit in the shell's history and in `ps`):
 * typed at a prompt without echo, twice, when a person runs the command; otherwise the first
 * line of standard input (`... < password-file`, or a secret piped in by a deployment tool).
 */
export async function readNewPassword(): Promise<string> {
  if (!process.stdin.isTTY) return readFirstLine();
  const password = await promptHidden('Mật khẩu mới / New password: ');
  const again = await promptHidden('Nhập lại / Repeat: ');
  if (password !== again) throw new Error('The two passwords differ');
  return password;
}

async function readFirstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const BACKSPACE = new Set(['\u007f', '\b']);

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  process.stdout.write(question);
  stdin.setRawMode(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: string) => {
      for (const character of chunk) {
        if (ENTER.has(character)) return finish();
        if (character === CTRL_C) return finish(new Error('Cancelled'));
        typed = BACKSPACE.has(character) ? [...typed].slice(0, -1).join('') : typed + character;
      }
    };
    stdin.on('data', onData);
  });
}
