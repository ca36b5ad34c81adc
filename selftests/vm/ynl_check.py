#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""The kernel's YNL CLI against tcpobs's procfs files and tool (tests/ynl.sh).

On the host, for selftests/vm/run (Debian's python3, the VM's interpreter):

  ynl_check.py modules CLI SPEC
      Run the YNL CLI (tools/net/ynl/pyynl/cli.py) on SPEC as the test does
      in the VM, with a dump request, and print the file of every module
      it loaded from the standard library, PyYAML and the CLI's lib/.
      (Here the family is usually missing: the CLI stops once it asked
      the kernel for it, after every import.)
  ynl_check.py install ROOT CLI SPEC
      Put those modules into the initramfs tree ROOT at their own paths,
      each .py with its compiled .pyc (the host's own when it is current,
      else compiled here: the VM never compiles), the CLI's folder at
      /usr/local/lib/ynl/pyynl and SPEC at /usr/local/share/tcpobs/.
      Prints the extension modules, for run's copy_bin (their libraries).

In the VM (tests/ynl.sh):

  ynl_check.py ops SPEC JSON
      The operations of SPEC, one line each: "NAME KIND" with KIND do or
      dump (a reply to check), action (a do without reply) or event; and
      into the file JSON, the attributes each one's reply lists.
  ynl_check.py compare OP DIR [--last]
      Compare the CLI's reply DIR/ynl.json to OP against the procfs files
      read before (DIR/before/) and after it (DIR/after/), and against
      `tcpobs -j` (DIR/tool.json). Prints one line per check, fields
      separated by tabs: "PASS<TAB>NAME" or "FAIL<TAB>NAME<TAB>DIAGNOSTIC..."
      for lib.sh's tap_result; or a single "RETRY<TAB>WHY" when the
      procfs files changed while the CLI ran (a TIME_WAIT socket aged into
      the next bucket, say) and --last was not given.
  ynl_check.py event DIR
      Check the CLI's notification output DIR/ynl.json (--subscribe events)
      against the procfs files in DIR/after/.

Only json, os, re and sys are imported at the top (and ipaddress where
addresses are compared): the YNL CLI loads them all anyway, so the modules
list made by `modules` covers this script too.
"""
import json
import os
import re
import sys

# --- the VM's Python, on the host ---------------------------------------------


def modules(cli, spec):
    """The CLI run in this process; then the files of the modules it loaded."""
    argv, stdout = sys.argv, sys.stdout
    sys.argv = [cli, '--spec', spec, '--no-schema', '--output-json',
                '--dump', 'get-listener']
    with open(os.devnull, 'w') as null:
        sys.stdout = null
        try:
            code = compile(open(cli).read(), cli, 'exec')
            exec(code, {'__name__': '__main__', '__file__': cli,
                        '__builtins__': __builtins__})
        except BaseException:  # pylint: disable=broad-except
            pass
        sys.stdout = stdout
    sys.argv = argv
    files = set()
    for mod in list(sys.modules.values()):
        f = getattr(mod, '__file__', None)
        if f:
            files.add(os.path.realpath(f))
    stdlib = os.path.dirname(os.path.realpath(os.__file__)) + '/'
    yaml_dir = os.path.dirname(os.path.realpath(sys.modules['yaml'].__file__)) + '/'
    cli_dir = os.path.dirname(os.path.realpath(cli)) + '/'
    for f in sorted(files):
        name = os.path.basename(f)
        if f.startswith(stdlib) and not f.startswith(stdlib + 'site-packages/') \
                and name not in ('sitecustomize.py', 'usercustomize.py'):
            print(f)
        elif f.startswith(yaml_dir) or f.startswith(cli_dir):
            print(f)


VM_CLI_DIR = '/usr/local/lib/ynl/pyynl'
VM_SPEC = '/usr/local/share/tcpobs/tcpobs.yaml'


def install(root, cli, spec):
    """The CLI, its modules and the spec into ROOT; prints the .so files."""
    # (imports here: these are not for the VM)
    import importlib.util  # pylint: disable=import-outside-toplevel
    import py_compile  # pylint: disable=import-outside-toplevel
    import shutil  # pylint: disable=import-outside-toplevel
    import subprocess  # pylint: disable=import-outside-toplevel

    # A fresh interpreter as the VM starts it: no environment (no LANG).
    out = subprocess.run([sys.executable, os.path.realpath(__file__), 'modules',
                          cli, spec], env={'PATH': '/usr/bin:/bin'},
                         stdout=subprocess.PIPE, check=True,
                         universal_newlines=True).stdout.split()
    if not any(f.endswith('/yaml/__init__.py') for f in out):
        sys.exit('ynl_check: the YNL CLI did not load PyYAML')
    cli_dir = os.path.dirname(os.path.realpath(cli)) + '/'
    # shutil (argparse's) tries bz2 and lzma and does without: left out,
    # with liblzma and libbz2.
    out = [f for f in out if os.path.basename(f).split('.')[0] not in
           ('bz2', '_bz2', 'lzma', '_lzma', '_compression')]
    files = [(f, f) for f in out if not f.startswith(cli_dir)]
    files += [(f, VM_CLI_DIR + '/' + f[len(cli_dir):])
              for f in out if f.startswith(cli_dir)]
    files.append((os.path.realpath(cli), VM_CLI_DIR + '/cli.py'))
    uncheck = py_compile.PycInvalidationMode.UNCHECKED_HASH

    def pyc_current(src, pyc):
        """The host's pyc of SRC is one this interpreter takes as it is."""
        try:
            with open(pyc, 'rb') as f:
                head = f.read(16)
            st = os.stat(src)
        except OSError:
            return False
        if len(head) < 16 or head[:4] != importlib.util.MAGIC_NUMBER:
            return False
        flags = int.from_bytes(head[4:8], 'little')
        if flags:		# hash-based: the copy has the same source
            return True
        return (int.from_bytes(head[8:12], 'little') == int(st.st_mtime) & 0xFFFFFFFF and
                int.from_bytes(head[12:16], 'little') == st.st_size & 0xFFFFFFFF)

    for src, dst in files:
        os.makedirs(os.path.dirname(root + dst), exist_ok=True)
        if src.endswith('.so'):
            print(src)		# run's copy_bin copies it with its libraries
            continue
        shutil.copy2(src, root + dst)
        if not src.endswith('.py') or dst == VM_CLI_DIR + '/cli.py':
            continue	# (a script is compiled when run, never cached)
        hpyc = importlib.util.cache_from_source(src)
        vpyc = root + importlib.util.cache_from_source(dst)
        os.makedirs(os.path.dirname(vpyc), exist_ok=True)
        if src == dst and pyc_current(src, hpyc):
            shutil.copy2(hpyc, vpyc)
        else:
            py_compile.compile(src, cfile=vpyc, dfile=dst, doraise=True,
                               invalidation_mode=uncheck)
    os.makedirs(os.path.dirname(root + VM_SPEC), exist_ok=True)
    shutil.copy2(spec, root + VM_SPEC)


# --- the spec's operations -------------------------------------------------------


def load_spec(spec):
    import yaml  # pylint: disable=import-outside-toplevel
    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    with open(spec) as f:
        return yaml.load(f, Loader=loader)


def ops(spec, out):
    """Prints the operations; writes {op: its reply's attributes} to OUT."""
    replies = {}
    for op in load_spec(spec)['operations']['list']:
        if 'event' in op:
            kind = 'event'
        elif 'dump' in op:
            kind = 'dump'
        elif 'reply' in (op.get('do') or {}):
            kind = 'do'
        else:
            kind = 'action'
        print(op['name'], kind)
        for mode in ('do', 'dump'):
            r = (op.get(mode) or {}).get('reply') or {}
            if 'attributes' in r:
                replies[op['name']] = r['attributes']
    with open(out, 'w') as f:
        json.dump(replies, f)


# --- the same figures, three ways --------------------------------------------------

STATES = ['UNKNOWN', 'ESTAB', 'SYN-SENT', 'SYN-RECV', 'FIN-WAIT-1', 'FIN-WAIT-2',
          'TIME-WAIT', 'CLOSE', 'CLOSE-WAIT', 'LAST-ACK', 'LISTEN', 'CLOSING',
          'NEW-SYN-RECV', 'BOUND-INACTIVE']
# The spec's enum tcp-state, by value (cli.py prints its names).
TCP_STATE_NAMES = [None, 'established', 'syn-sent', 'syn-recv', 'fin-wait1', 'fin-wait2',
                   'time-wait', 'close', 'close-wait', 'last-ack', 'listen', 'closing',
                   'new-syn-recv', 'bound-inactive']


def st(v):
    """A state attribute as procfs names it: cli.py gives the enum's name
    (or the number, for a value the spec does not name)."""
    if isinstance(v, str) and v in TCP_STATE_NAMES:
        v = TCP_STATE_NAMES.index(v)
    return STATES[v] if isinstance(v, int) and v < len(STATES) else v


CAUSES = ['listen_overflows', 'listen_drops', 'reqq_full_drops', 'reqq_full_cookies',
          'syncookies_sent', 'syncookies_recv', 'syncookies_failed']


class Checks:
    """The PASS/FAIL lines of one comparison."""

    def __init__(self):
        self.lines = []

    def ok(self, name, good, *diag):
        diag = [str(d).replace('\t', ' ').replace('\n', ' ') for d in diag]
        self.lines.append('\t'.join(['PASS' if good else 'FAIL', name] +
                                    ([] if good else diag)))
        return good

    def eq(self, name, got, want):
        return self.ok(name, got == want, 'got:  %s' % (got,), 'want: %s' % (want,))

    def maps(self, name, got, want, what='ynl', other='procfs'):
        """Two dicts equal; the diagnostic lists the keys that differ."""
        diffs = []
        for k in sorted(set(got) | set(want), key=str):
            if k not in got:
                diffs.append('%s: missing from %s (%s has %s)' % (k, what, other, want[k]))
            elif k not in want:
                diffs.append('%s: missing from %s (%s has %s)' % (k, other, what, got[k]))
            elif got[k] != want[k]:
                diffs.append('%s: %s %s, %s %s' % (k, what, got[k], other, want[k]))
        return self.ok(name, not diffs, *diffs[:20])


def n(s):
    """A decimal of a file, or a hex cookie as 0x..."""
    return int(s, 0) if isinstance(s, str) else int(s)


def ms(secs):
    """"12.345" (seconds with milliseconds) as milliseconds."""
    s = str(secs)
    whole, _, frac = s.partition('.')
    return int(whole) * 1000 + int((frac + '000')[:3])


def ip(addr):
    import ipaddress  # pylint: disable=import-outside-toplevel
    return str(ipaddress.ip_address(addr))


def endpoint(s):
    """"1.2.3.4:80" or "[::1]:80" as (address, port), the address normalised."""
    m = re.fullmatch(r'\[(.*)\]:(\d+)|(.*):(\d+)', s)
    if not m:
        raise ValueError('not an endpoint: %r' % s)
    if m.group(1) is not None:
        return (ip(m.group(1)), int(m.group(2)))
    return (ip(m.group(3)), int(m.group(4)))


def key(name):
    """A YNL attribute name as the procfs files name it."""
    return name.replace('-', '_')


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


# --- procfs ---------------------------------------------------------------------------


def sections(text):
    """The blank-line separated sections of a file, each a list of split lines."""
    out, cur = [], []
    for line in text.split('\n'):
        if line.strip():
            cur.append(line.split())
        elif cur:
            out.append(cur)
            cur = []
    if cur:
        out.append(cur)
    return out


def proc_counters(sec):
    """A "name value" section (its header first) as a dict."""
    return {r[0]: int(r[1]) for r in sec[1:]}


def proc_table(text):
    """A file of a header line and rows, as dicts by column."""
    lines = [l.split() for l in text.split('\n') if l.strip()]
    return [dict(zip(lines[0], r)) for r in lines[1:]]


def proc_tw(text):
    secs = sections(text)
    tw = {'totals': proc_counters(secs[0]), 'tables': {}, 'ages': []}
    for sec in secs[1:]:
        head = sec[0][0]
        if head == 'age':
            for label, count in sec[1:]:
                m = re.fullmatch(r'(\d+)s-(\d+)s|(\d+)s\+', label)
                if m.group(3) is not None:
                    tw['ages'].append((int(m.group(3)), 0, int(count)))
                else:
                    tw['ages'].append((int(m.group(1)), int(m.group(2)), int(count)))
            continue
        rows, other = {}, None
        for k, count in sec[1:]:
            if k == 'other':
                other = int(count)
            else:
                rows[ip(k) if head == 'peer' else int(k)] = int(count)
        tw['tables'][head] = {'rows': rows, 'other': other}
    return tw


def proc_ecn(text):
    secs = sections(text)
    ecn = {'totals': proc_counters(secs[0]), 'rows': {}}
    if len(secs) > 1:
        cols = secs[1][0]
        for r in secs[1][1:]:
            row = dict(zip(cols, r))
            k = ('other', None) if row['port'] == 'other' else (row['side'], int(row['port']))
            ecn['rows'][k] = {c: int(v) for c, v in row.items() if c not in ('side', 'port')}
    return ecn


def proc_listeners(lst_text, ev_text):
    out = {}
    for r in proc_table(lst_text):
        ls = {c: int(v) for c, v in r.items() if c not in ('local', 'cookie')}
        ls['cookie'] = int(r['cookie'], 16)
        ls['events'] = {}
        out[endpoint(r['local'])] = ls
    for r in proc_table(ev_text):
        ep = endpoint(r['local'])
        if ep in out:
            out[ep]['events'][r['cause']] = (int(r['count']), ms(r['first']), ms(r['last']))
    return out


SOCK_TIMES = ('age', 'age_in_state')


def proc_sockets(text):
    out = {}
    for r in proc_table(text):
        s = {c: int(v) for c, v in r.items()
             if c not in ('local', 'peer', 'state', 'cookie') + SOCK_TIMES}
        s['local'] = endpoint(r['local'])
        s['peer'] = endpoint(r['peer'])
        s['state'] = r['state']
        for t in SOCK_TIMES:
            s[t] = ms(r[t])
        out[int(r['cookie'], 16)] = s
    return out


def proc_states(text):
    return {(r['from'], r['to']): int(r['count']) for r in proc_table(text)}


def proc_lifetimes(text):
    return {(r['state'], int(r['from_us']), 0 if r['to_us'] == 'inf' else int(r['to_us'])):
            int(r['count']) for r in proc_table(text)}


def proc_features(text):
    out = {}
    for line in text.split('\n')[1:]:
        if not line.strip():
            continue
        f = line.split(None, 2)
        reason = f[2] if len(f) > 2 else ''
        out[f[0]] = (f[1] == 'exact', '' if reason == '-' else reason)
    return out


def proc_view(op, d):
    """The figures of OP as the procfs files in D show them."""
    t = {f: read(os.path.join(d, f)) for f in
         ('stats', 'timewait', 'ecn', 'listeners', 'listener_events', 'sockets',
          'states', 'lifetimes', 'features')}
    if op == 'get-stats':
        return {'stats': proc_counters(sections(t['stats'])[0]),
                'timewait': proc_tw(t['timewait'])['totals'],
                'ecn': proc_ecn(t['ecn'])['totals']}
    if op == 'get-timewait':
        return proc_tw(t['timewait'])
    if op == 'get-ecn':
        return proc_ecn(t['ecn'])
    if op == 'get-listener':
        return proc_listeners(t['listeners'], t['listener_events'])
    if op == 'get-socket':
        return proc_sockets(t['sockets'])
    if op == 'get-states':
        return proc_states(t['states'])
    if op == 'get-lifetimes':
        return proc_lifetimes(t['lifetimes'])
    if op == 'get-features':
        return proc_features(t['features'])
    return None


def steady(op, v):
    """V without what changes with time alone (ages)."""
    if op == 'get-socket':
        return {c: {k: x for k, x in s.items() if k not in SOCK_TIMES} for c, s in v.items()}
    if op == 'get-timewait':
        return {k: x for k, x in v.items() if k != 'ages'}
    return v


# --- the CLI's replies ------------------------------------------------------------------


def family(v):
    """A family attribute: the enum's name, or AF_INET/AF_INET6 as a number."""
    return {2: 'inet', 10: 'inet6'}.get(v, v)


def counters(msg, skip=()):
    return {key(k): v for k, v in msg.items() if isinstance(v, int) and k not in skip}


def ynl_listeners(reply):
    out = {}
    for m in reply:
        ls = {key(k): v for k, v in m.items()
              if k not in ('addr', 'port', 'cause')}
        ls['family'] = family(ls.get('family'))
        ls['events'] = {}
        for c in m.get('cause', []):
            ls['events'][key(c['id'])] = (c['count'], c['first'] // 10**6, c['last'] // 10**6)
        out[(ip(m['addr']), m['port'])] = ls
    return out


def ynl_sockets(reply):
    out = {}
    for m in reply:
        s = {key(k): v for k, v in m.items()
             if k not in ('saddr', 'daddr', 'sport', 'dport', 'state', 'cookie')}
        s['local'] = (ip(m['saddr']), m['sport'])
        s['peer'] = (ip(m['daddr']), m['dport'])
        s['state'] = st(m['state'])
        s['family'] = family(s.get('family'))
        for t in SOCK_TIMES:	# ns, as the files' milliseconds
            s[t] = s[t] // 10**6
        out[m['cookie']] = s
    return out


def tw_age_bounds(a):
    return (a.get('from-s', a.get('from')), a.get('to-s', a.get('to')))


def ynl_tw(reply):
    tw = {'totals': None, 'tables': {}, 'ages': []}
    for m in reply:
        if 'totals' in m:
            tw['totals'] = counters(m['totals'])
        if 'table' in m:
            t = m['table']
            rows = {}
            for r in t.get('row', []):
                rows[ip(r['addr']) if 'addr' in r else r['port']] = r['count']
            tw['tables'][key(t['kind'])] = {'rows': rows, 'other': t['other']}
        for a in m.get('age', []):
            tw['ages'].append(tw_age_bounds(a) + (a['count'],))
    return tw


def ynl_ecn(reply):
    ecn = {'totals': None, 'rows': {}}
    for m in reply:
        if 'totals' in m:
            ecn['totals'] = counters(m['totals'])
        if 'service' in m:
            s = m['service']
            k = ('other', None) if s['side'] == 'other' else (s['side'], s['port'])
            ecn['rows'][k] = counters(s, skip=('port',))
    return ecn


def ynl_view(op, reply):
    if op == 'get-stats':
        return {'stats': counters(reply), 'timewait': counters(reply.get('timewait', {})),
                'ecn': counters(reply.get('ecn', {}))}
    if op == 'get-timewait':
        return ynl_tw(reply)
    if op == 'get-ecn':
        return ynl_ecn(reply)
    if op == 'get-listener':
        return ynl_listeners(reply)
    if op == 'get-socket':
        return ynl_sockets(reply)
    if op == 'get-states':
        return {(st(m['from']), st(m['to'])): m['count'] for m in reply}
    if op == 'get-lifetimes':
        return {(st(m['state']), m['from-us'], m['to-us']): m['count'] for m in reply}
    if op == 'get-features':
        return {m['name']: (m['exact'] == 1, m.get('reason', '')) for m in reply}
    if op == 'get-options':
        return reply
    return None


# --- tcpobs -j ----------------------------------------------------------------------------


def flat_counters(j):
    """The tool's counters: a dict of numbers, or of such dicts, merged."""
    out = {}
    for k, v in j.items():
        if isinstance(v, dict):
            out.update(flat_counters(v))
        elif isinstance(v, int) and not isinstance(v, bool):
            out[k] = v
    return out


def tool_view(op, j):
    if op == 'get-stats':
        return {'stats': flat_counters(j)}
    if op == 'get-timewait':
        tw = {'totals': j['totals'], 'tables': {}, 'ages': []}
        for kind in ('local_port', 'peer_port', 'peer'):
            if kind in j:
                tw['tables'][kind] = {
                    'rows': {ip(r['addr']) if 'addr' in r else r['port']: r['count']
                             for r in j[kind]},
                    'other': j.get(kind + '_other')}
        tw['ages'] = [(a['from'], a['to'] or 0, a['count']) for a in j['age']]
        return tw
    if op == 'get-ecn':
        ecn = {'totals': j['totals'], 'rows': {}}
        for r in j.get('services', []):
            ecn['rows'][(r['side'], r['port'])] = {k: v for k, v in r.items()
                                                   if k not in ('side', 'port')}
        if j.get('other'):
            ecn['rows'][('other', None)] = {k: v for k, v in j['other'].items()
                                            if k not in ('side', 'port')}
        return ecn
    if op == 'get-listener':
        out = {}
        for r in j:
            ls = {k: v for k, v in r.items() if isinstance(v, int)}
            ls.pop('port', None)
            ls['cookie'] = int(r['cookie'], 16)
            ls['family'] = r.get('family')
            ls['events'] = {e['cause']: (e['count'], ms(e['first']), ms(e['last']))
                            for e in r.get('listener_events', [])}
            out[endpoint(r['local'])] = ls
        return out
    if op == 'get-socket':
        out = {}
        for r in j:
            s = {k: v for k, v in r.items() if isinstance(v, int)
                 and k not in ('local_port', 'peer_port')}
            s['local'] = endpoint(r['local'])
            s['peer'] = endpoint(r['peer'])
            s['state'] = r['state']
            s['family'] = r.get('family')
            for t in SOCK_TIMES:
                s[t] = ms(r[t])
            out[int(r['cookie'], 16)] = s
        return out
    if op == 'get-states':
        return {(r['from'], r['to']): r['count'] for r in j}
    if op == 'get-lifetimes':
        return {(r['state'], r['from_us'], r['to_us'] or 0): r['count'] for r in j}
    if op == 'get-features':
        return {f['name']: (bool(f['exact']), '' if f.get('reason') in (None, '-') else f['reason'])
                for f in j['features']}
    return None


# --- the comparisons --------------------------------------------------------------------

PROC = '/proc/net/tcpobs/'


def cmp_stats(c, y, p):
    c.eq('get-stats: the counters are the lines of %sstats' % PROC,
         sorted(y['stats']), sorted(p['stats']))
    for name in sorted(p['stats']):
        c.eq('get-stats: %s equals %sstats' % (name, PROC), y['stats'].get(name), p['stats'][name])
    for nest, f in (('timewait', 'timewait'), ('ecn', 'ecn')):
        c.eq('get-stats: the %s nest holds the totals of %s%s' % (nest, PROC, f),
             sorted(y[nest]), sorted(p[nest]))
        for name in sorted(p[nest]):
            c.eq('get-stats: %s %s equals %s%s' % (nest, name, PROC, f),
                 y[nest].get(name), p[nest][name])


def cmp_tw(c, y, p0, p):
    c.maps('get-timewait: totals equal %stimewait' % PROC, y['totals'] or {}, p['totals'])
    c.eq('get-timewait: the tables of %stimewait' % PROC, sorted(y['tables']), sorted(p['tables']))
    for kind in sorted(p['tables']):
        yt = y['tables'].get(kind, {'rows': {}, 'other': None})
        pt = p['tables'][kind]
        c.maps('get-timewait: table %s, its rows equal the file\'s (%d)' % (kind, len(pt['rows'])),
               yt['rows'], pt['rows'])
        c.eq('get-timewait: table %s, other equals the file\'s' % kind, yt['other'], pt['other'])
    c.ok('get-timewait: the age histogram (from, to, count) equals the file\'s, read before '
         'or after', y['ages'] in (p0['ages'], p['ages']), 'got:    %s' % y['ages'],
         'before: %s' % p0['ages'], 'after:  %s' % p['ages'])


def cmp_ecn(c, y, p):
    c.maps('get-ecn: totals equal %secn' % PROC, y['totals'] or {}, p['totals'])
    c.eq('get-ecn: the service rows of %secn' % PROC, sorted(y['rows'], key=str),
         sorted(p['rows'], key=str))
    for k in sorted(p['rows'], key=str):
        c.maps('get-ecn: service %s %s equals the file\'s row' % (k[0], k[1] if k[1] is not None else ''),
               y['rows'].get(k, {}), p['rows'][k])


def cmp_listeners(c, y, p, nst):
    name = lambda ep: ('[%s]:%d' if ':' in ep[0] else '%s:%d') % ep
    c.eq('get-listener: the listeners of %slisteners' % PROC,
         sorted(map(name, y)), sorted(map(name, p)))
    for ep in sorted(p):
        yl = dict(y.get(ep, {}))
        pl = dict(p[ep])
        ye, pe = yl.pop('events', {}), pl.pop('events', {})
        c.eq('get-listener %s: family' % name(ep), yl.pop('family', None),
             'inet6' if ':' in ep[0] else 'inet')
        c.maps('get-listener %s: backlog, queues, the 7 drop counts, cookie equal the file\'s'
               % name(ep), yl, pl)
        c.maps('get-listener %s: its causes (count, first, last ms) equal %slistener_events'
               % (name(ep), PROC), ye, pe)
    if nst:
        for cause, mib in (('listen_overflows', 'TcpExtListenOverflows'),
                           ('listen_drops', 'TcpExtListenDrops')):
            total = sum(ls.get(cause, 0) for ls in y.values())
            c.ok('get-listener: %s > 0 (the listener overflowed)' % cause, total > 0,
                 'got: %d' % total)
            c.eq('get-listener: %s summed over listeners equals the %s delta' % (cause, mib),
                 total, nst.get(mib))


def cmp_sockets(c, y, p0, p1):
    c.eq('get-socket: the sockets (cookies) of %ssockets' % PROC, sorted(y), sorted(p1))
    bad = []
    for ck in sorted(p1):
        ys = y.get(ck)
        if ys is None:
            continue
        a = {k: v for k, v in ys.items() if k not in SOCK_TIMES + ('family',)}
        b = {k: v for k, v in p1[ck].items() if k not in SOCK_TIMES}
        if ys.get('family') != ('inet6' if ':' in ys['local'][0] else 'inet'):
            bad.append('%x: family %s, addresses %s' % (ck, ys.get('family'), ys['local'][0]))
        if a != b:
            bad += ['%x: %s: ynl %s, procfs %s' % (ck, k, a.get(k), b.get(k))
                    for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)]
    c.ok('get-socket: every socket\'s tuple, state, transitions, cookie, ECN counts equal the '
         'file\'s (%d sockets)' % len(p1), not bad, *bad[:20])
    bad = []
    for ck in sorted(p1):
        if ck not in y or ck not in p0:
            continue
        for t in SOCK_TIMES:
            if not p0[ck][t] <= y[ck][t] <= p1[ck][t]:
                bad.append('%x: %s %d ms, procfs %d ms before and %d ms after'
                           % (ck, t, y[ck][t], p0[ck][t], p1[ck][t]))
    c.ok('get-socket: age and age-in-state (ns) lie between the file\'s before and after',
         not bad, *bad[:20])


def cmp_tool(c, op, y, t, p0=None, p1=None):
    """The CLI's view against the tool's (its own names, same figures)."""
    name = 'get-%s equals tcpobs -j' % op[4:]
    if t is None:
        c.ok(name, False, 'tcpobs -j gave no JSON (see tool.err)')
        return
    if op == 'get-stats':
        c.maps(name + ' stats', t['stats'], y['stats'], 'tool', 'ynl')
    elif op == 'get-socket':
        ty = {ck: {k: v for k, v in s.items() if k not in SOCK_TIMES} for ck, s in t.items()}
        yy = {ck: {k: v for k, v in s.items() if k not in SOCK_TIMES} for ck, s in y.items()}
        c.maps(name + ' sockets', ty, yy, 'tool', 'ynl')
        bad = ['%x: %s %d ms, procfs %d..%d' % (ck, k, t[ck][k], p0[ck][k], p1[ck][k])
               for ck in t if ck in p0 and ck in p1 for k in SOCK_TIMES
               if not p0[ck][k] <= t[ck][k] <= p1[ck][k]]
        c.ok(name + ' sockets: ages between the file\'s before and after', not bad, *bad[:20])
    elif op == 'get-timewait':
        c.maps(name + ' timewait (totals, tables)', {k: t.get(k) for k in y if k != 'ages'},
               {k: v for k, v in y.items() if k != 'ages'}, 'tool', 'ynl')
        c.ok(name + ' timewait: its age histogram is the file\'s, read before or after',
             t['ages'] in (p0['ages'], p1['ages']), 'tool:   %s' % t['ages'],
             'before: %s' % p0['ages'], 'after:  %s' % p1['ages'])
    elif isinstance(y, dict) and all(isinstance(k, str) for k in y):
        c.maps(name, {k: t.get(k) for k in y} if op != 'get-features' else t, y, 'tool', 'ynl')
    else:
        c.maps(name, t, y, 'tool', 'ynl')


def nonempty(c, op, y):
    """Something to compare: a check that could fail compares something."""
    if op == 'get-timewait':
        for kind in ('local_port', 'peer_port', 'peer'):
            n_rows = len(y['tables'].get(kind, {}).get('rows', {}))
            c.ok('get-timewait: table %s has rows (TIME_WAIT sockets)' % kind, n_rows > 0,
                 'rows: %d' % n_rows)
    elif op == 'get-ecn':
        c.ok('get-ecn: connections negotiated ECN', (y['totals'] or {}).get('negotiated', 0) > 0,
             'totals: %s' % y['totals'])
    elif op in ('get-states', 'get-lifetimes', 'get-socket', 'get-features'):
        c.ok('%s: the reply is not empty' % op, len(y) > 0)


def nstat_file(path):
    out = {}
    for line in (read(path) or '').split('\n'):
        f = line.split()
        if len(f) >= 2 and f[1].isdigit():
            out[f[0]] = int(f[1])
    return out


def reply_attrs(c, op, reply, spec_ops):
    """Every attribute the spec lists for the reply came in some message."""
    want = spec_ops.get(op)
    if want is None:
        return
    msgs = reply if isinstance(reply, list) else [reply]
    got = set()
    for m in msgs:
        got |= set(m)
    optional = {'reason'} if op == 'get-features' else set()
    missing = sorted(set(want) - got - optional)
    c.ok('%s: the reply carries every attribute the spec lists (%d)' % (op, len(want)),
         not missing, 'missing: %s' % ' '.join(missing))


def compare(op, d, last):
    c = Checks()
    out = read(os.path.join(d, 'ynl.json'))
    try:
        reply = json.loads(out)
    except (TypeError, ValueError):
        c.ok('%s: the YNL CLI answered with JSON' % op, False,
             'stdout: %s' % (out or '')[:300], 'stderr: %s' % (read(os.path.join(d, 'ynl.err')) or '')[-600:])
        return c
    c.ok('%s: the YNL CLI answered with JSON' % op, True)
    spec_ops = json.loads(read(os.path.join(d, '..', 'ops.json')) or '{}')
    reply_attrs(c, op, reply, spec_ops)
    y = ynl_view(op, reply)
    if op == 'get-options':
        opts = (read(os.path.join(d, 'tool.txt')) or '').split()
        want = dict(zip(opts[0::2], opts[1::2]))
        flags = ['listen-drops', 'states']
        mask = sum(1 << flags.index(e) for e in y.get('events', []))
        c.eq('get-options: events equal nlfuzz -o\'s (as a mask)', str(mask), want.get('events'))
        c.eq('get-options: interval-ms equals nlfuzz -o\'s', str(y.get('interval-ms')),
             want.get('interval_ms'))
        exp = read(os.path.join(d, 'expect.json'))
        if exp:
            c.eq('get-options: what set-options set', y, json.loads(exp))
        return c
    p0 = proc_view(op, os.path.join(d, 'before'))
    p1 = proc_view(op, os.path.join(d, 'after'))
    if p0 is None:
        c.ok('%s: the test knows what to compare it with' % op, False)
        return c
    if steady(op, p0) != steady(op, p1) and not last:
        return ['RETRY\tthe procfs files changed while the YNL CLI ran']
    if op == 'get-timewait' and y['ages'] not in (p0['ages'], p1['ages']) and not last:
        return ['RETRY\tTIME_WAIT sockets aged into the next bucket while the YNL CLI ran']
    nonempty(c, op, y)
    if op == 'get-stats':
        cmp_stats(c, y, p1)
    elif op == 'get-timewait':
        cmp_tw(c, y, p0, p1)
    elif op == 'get-ecn':
        cmp_ecn(c, y, p1)
    elif op == 'get-listener':
        nb = nstat_file(os.path.join(d, '..', 'nstat.before'))
        na = nstat_file(os.path.join(d, 'nstat.after'))
        cmp_listeners(c, y, p1, {k: na[k] - nb.get(k, 0) for k in na} if na else None)
    elif op == 'get-socket':
        cmp_sockets(c, y, p0, p1)
    elif op in ('get-states', 'get-lifetimes', 'get-features'):
        c.maps('%s equals %s%s' % (op, PROC, op[4:]), y, p1)
    try:
        t = json.loads(read(os.path.join(d, 'tool.json')))
        t = tool_view(op, t)
    except Exception as e:  # pylint: disable=broad-except
        t = None
        c.ok('get-%s: tcpobs -j answers in its format' % op[4:], False, repr(e),
             (read(os.path.join(d, 'tool.err')) or '')[-300:])
    if t is not None:
        cmp_tool(c, op, y, t, p0, p1)
    return c


def event(d):
    """A listen-drop event received by the CLI (--subscribe events)."""
    c = Checks()
    msgs = []
    for line in (read(os.path.join(d, 'ynl.json')) or '').split('\n'):
        try:
            m = json.loads(line)
        except ValueError:
            continue
        if isinstance(m, dict) and m.get('name') == 'event':
            msgs.append(m['msg'])
    drops = [m for m in msgs if m.get('type') == 'listen-drop']
    if not c.ok('event: the CLI received a listen-drop event', bool(drops),
                'output: %s' % (read(os.path.join(d, 'ynl.json')) or '')[-400:],
                'stderr: %s' % (read(os.path.join(d, 'ynl.err')) or '')[-400:]):
        return c
    e = drops[-1]
    c.eq('event: cause listen-overflows', e.get('cause'), 'listen-overflows')
    ls = e.get('listener', {})
    p = proc_listeners(read(os.path.join(d, 'after', 'listeners')),
                       read(os.path.join(d, 'after', 'listener_events')))
    ep = (ip(ls.get('addr', '0.0.0.0')), ls.get('port'))
    c.ok('event: its listener (%s port %s) is in %slisteners' % (ep[0], ep[1], PROC), ep in p,
         'listeners: %s' % sorted(p))
    if ep in p:
        got = {key(k): v for k, v in ls.items() if k not in ('family', 'addr', 'port', 'cause')}
        want = {k: v for k, v in p[ep].items() if k != 'events' and k in got}
        c.maps('event: the listener\'s cookie, backlog and drop counts equal the file\'s',
               got, want)
        c.eq('event: the listener\'s family', family(ls.get('family')),
             'inet6' if ':' in ep[0] else 'inet')
    st = proc_counters(sections(read(os.path.join(d, 'after', 'stats')))[0])
    c.eq('event: its seq is the namespace\'s events_seq (the only event generated)',
         e.get('seq'), st.get('events_seq'))
    return c


def main():
    if len(sys.argv) == 4 and sys.argv[1] == 'modules':
        modules(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 5 and sys.argv[1] == 'install':
        install(*sys.argv[2:])
    elif len(sys.argv) == 4 and sys.argv[1] == 'ops':
        ops(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (4, 5) and sys.argv[1] == 'compare':
        c = compare(sys.argv[2], sys.argv[3], sys.argv[4:] == ['--last'])
        for line in (c if isinstance(c, list) else c.lines):
            print(line)
    elif len(sys.argv) == 3 and sys.argv[1] == 'event':
        for line in event(sys.argv[2]).lines:
            print(line)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
