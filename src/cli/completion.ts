// `mandate completion bash|zsh|fish`: shell completion generated from the commander program tree
// (commands, subcommands and their flags), so it can never fall behind the commands.
import type { Command, Option } from 'commander';

interface Node {
  /** Space-separated command path below `mandate` ('' for the program itself). */
  path: string;
  commands: { name: string; description: string }[];
  options: { flags: string[]; description: string; takesValue: boolean }[];
}

function optionsOf(cmd: Command): Node['options'] {
  const opts = (cmd.options as readonly Option[])
    .filter((o) => !o.hidden)
    .map((o) => ({
      flags: [o.long, o.short].filter((f): f is string => Boolean(f)),
      description: o.description,
      takesValue: o.required || o.optional,
    }));
  return [...opts, { flags: ['--help', '-h'], description: 'display help for command', takesValue: false }];
}

/** Every command of the tree, depth first, with its subcommands and flags. */
export function commandTree(program: Command): Node[] {
  const nodes: Node[] = [];
  const walk = (cmd: Command, path: string) => {
    const subs = (cmd.commands as readonly Command[]).filter((c) => !(c as Command & { _hidden?: boolean })._hidden);
    const commands = subs.map((c) => ({ name: c.name(), description: c.description() }));
    if (subs.length) commands.push({ name: 'help', description: 'display help for command' });
    nodes.push({ path, commands, options: optionsOf(cmd) });
    for (const c of subs) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return nodes;
}

const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

export function completionScript(program: Command, shell: string): string {
  const nodes = commandTree(program);
  const globals = optionsOf(program).filter((o) => !o.flags.includes('--help') && !o.flags.includes('--version'));
  const valued = [...new Set(nodes.flatMap((n) => n.options.filter((o) => o.takesValue).flatMap((o) => o.flags)))];
  if (shell === 'bash') return bash(nodes, globals, valued);
  if (shell === 'zsh') return zsh(nodes, globals, valued);
  return fish(nodes, globals);
}

function bash(nodes: Node[], globals: Node['options'], valued: string[]): string {
  const globalFlags = globals.flatMap((o) => o.flags.filter((f) => f.startsWith('--')));
  const cases = nodes.map((n) => {
    const words = [
      ...n.commands.map((c) => c.name),
      ...n.options.flatMap((o) => o.flags.filter((f) => f.startsWith('--'))),
      ...(n.path ? globalFlags : []),
    ];
    return `    ${sq(n.path)}) echo ${sq([...new Set(words)].join(' '))} ;;`;
  });
  return `# mandate completion for bash. Load it with:  source <(mandate completion bash)
_mandate_words() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}
_mandate() {
  local cur prev cmdpath="" next w i
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  case " ${valued.join(' ')} " in
    *" $prev "*) COMPREPLY=( $(compgen -f -- "$cur") ); return 0 ;;
  esac
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    [[ "$w" == -* ]] && continue
    next="\${cmdpath:+$cmdpath }$w"
    if _mandate_words "$next" >/dev/null; then cmdpath="$next"; fi
  done
  COMPREPLY=( $(compgen -W "$(_mandate_words "$cmdpath")" -- "$cur") )
}
complete -o default -F _mandate mandate
`;
}

function zsh(nodes: Node[], globals: Node['options'], valued: string[]): string {
  const esc = (s: string) => s.replace(/\\/g, '\\\\').replace(/:/g, '\\:');
  const entries = nodes.map((n) => {
    const items = [
      ...n.commands.map((c) => `${esc(c.name)}:${oneLine(c.description)}`),
      ...[...n.options, ...(n.path ? globals : [])].flatMap((o) =>
        o.flags.filter((f) => f.startsWith('--')).map((f) => `${esc(f)}:${oneLine(o.description)}`),
      ),
    ];
    return `  ${sq(n.path)} ${sq([...new Set(items)].join('\n'))}`;
  });
  return `#compdef mandate
# mandate completion for zsh. Load it with:  source <(mandate completion zsh)
# (or write it as _mandate in a directory of your fpath)
typeset -gA _mandate_specs
_mandate_specs=(
${entries.join('\n')}
)
_mandate() {
  local cmdpath="" next w i
  local -a specs
  case " ${valued.join(' ')} " in
    *" \${words[CURRENT-1]} "*) _files; return ;;
  esac
  for ((i = 2; i < CURRENT; i++)); do
    w=\${words[i]}
    [[ $w == -* ]] && continue
    next="\${cmdpath:+$cmdpath }$w"
    if (( \${+_mandate_specs[$next]} )); then cmdpath=$next; fi
  done
  specs=("\${(@f)_mandate_specs[$cmdpath]}")
  _describe -t commands 'mandate' specs
}
if (( $+functions[compdef] )); then compdef _mandate mandate; fi
`;
}

function fish(nodes: Node[], globals: Node['options']): string {
  const lines = [
    '# mandate completion for fish. Load it with:  mandate completion fish | source',
    `set -g __mandate_paths ${nodes.map((n) => sq(n.path ? `mandate ${n.path}` : 'mandate')).join(' ')}`,
    'function __mandate_path',
    '  set -l cmdpath mandate',
    '  for w in (commandline -opc)[2..-1]',
    "    string match -q -- '-*' $w; and continue",
    '    if contains -- "$cmdpath $w" $__mandate_paths',
    '      set cmdpath "$cmdpath $w"',
    '    end',
    '  end',
    '  echo $cmdpath',
    'end',
    'complete -c mandate -f',
  ];
  for (const n of nodes) {
    const at = `-n ${sq(`test (__mandate_path) = ${sq(n.path ? `mandate ${n.path}` : 'mandate')}`)}`;
    for (const c of n.commands) lines.push(`complete -c mandate ${at} -a ${sq(c.name)} -d ${sq(oneLine(c.description))}`);
    for (const o of [...n.options, ...(n.path ? globals : [])]) {
      const long = o.flags.find((f) => f.startsWith('--'));
      const short = o.flags.find((f) => /^-[^-]$/.test(f));
      if (!long) continue;
      lines.push(
        `complete -c mandate ${at} -l ${long.slice(2)}` +
          `${short ? ` -s ${short.slice(1)}` : ''}${o.takesValue ? ' -r -F' : ''} -d ${sq(oneLine(o.description))}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
