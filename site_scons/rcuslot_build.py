# SPDX-License-Identifier: MIT
"""Build helpers for rcuslot's SConstruct: variant environments and the
actions that run tests. Kept out of SConstruct so it reads as a list of
what is built, not how."""

import os
import re
import subprocess
import sys

from SCons.Script import COMMAND_LINE_TARGETS, Exit, GetOption

import rcuslot_doc as rd
from rcuslot_check import records_verdict

FLAVORS = ['memb', 'qsbr', 'mb', 'bp', 'signal']
LINKS = ['lgpl', 'dyn']

# Which liburcu a configuration builds against: the installed one (found by
# pkg-config), or 0.15.2 from Debian trixie, fetched by
# scripts/fetch-liburcu.sh into a prefix under build/ and linked statically.
URCUS = ['system', '0.15']
URCU_FETCHED = {'0.15': ('0.15.2', 'trixie')}
# The flavors each liburcu ships: 0.15 removed signal.
URCU_FLAVORS = {'system': FLAVORS, '0.15': [f for f in FLAVORS if f != 'signal']}
TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WARNINGS = ['-Wall', '-Wextra']


def warnings(env):
    """The project's warning flags: -Werror only when the build asks for it
    (werror=yes, the default under `scons check` and the test targets); a
    distribution's build with a newer compiler must not fail on a warning.
    -Werror is left out of the objects' signatures ($( $)), so that going
    from `scons` to `scons test` does not rebuild everything: it turns no
    object's code into another."""
    return WARNINGS + (['$(', '-Werror', '$)'] if env.get('werror') else [])


# The packager's variables, read from the environment and overridden by
# name=value arguments, as autotools and Meson read them.
PACKAGER_VARS = ['CC', 'CXX', 'CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS']


def packager_arguments(arguments):
    """ARGUMENTS with the packager's variables taken from the environment
    where the command line does not give them."""
    args = {k: os.environ[k] for k in PACKAGER_VARS if os.environ.get(k)}
    args.update(arguments)
    return args


def packager_flags(env):
    """Make env honour the packager's flags. CFLAGS, CXXFLAGS and CPPFLAGS
    stay where SCons puts them, but the compile lines read $CFLAGS (and
    $CXXFLAGS) after $CCFLAGS, where the project's own -O, -g, warnings and
    sanitizers are: the user's -O2 or -g wins, as the last one given does.
    LDFLAGS becomes LINKFLAGS (SHLINKFLAGS reads it). Every compile maps the
    source tree to `.` (-ffile-prefix-map), so that two checkouts in
    different directories build bit-identical objects and libraries."""
    for var, first, second in (('CCCOM', '$CFLAGS', '$CCFLAGS'),
                               ('SHCCCOM', '$SHCFLAGS', '$SHCCFLAGS'),
                               ('CXXCOM', '$CXXFLAGS', '$CCFLAGS'),
                               ('SHCXXCOM', '$SHCXXFLAGS', '$SHCCFLAGS')):
        old = env[var]
        pair = '%s %s' % (first, second)
        if pair not in old:
            fail('%s is %r: cannot order the user\'s flags last' % (var, old))
        env[var] = old.replace(pair, '%s %s' % (second, first))
    for var in ('CFLAGS', 'CXXFLAGS', 'CPPFLAGS'):
        env[var] = env.Split(env.get(var, ''))
    env['LINKFLAGS'] = env.Split(env.get('LDFLAGS', ''))
    env.Append(CCFLAGS=['-ffile-prefix-map=%s=.' % TOP])

# What each pkg-config module is called and which Debian package has it.
PACKAGES = {
    'check': 'check',
    'liburcu-memb': 'liburcu-dev',
    'liburcu-qsbr': 'liburcu-dev',
    'liburcu-mb': 'liburcu-dev',
    'liburcu-bp': 'liburcu-dev',
    'liburcu-signal': 'liburcu-dev',
}


def fail(msg):
    print('scons: *** ' + msg, file=sys.stderr)
    Exit(2)


def check_pkg(conf, module):
    """Configure test: pkg-config knows `module`."""
    conf.Message('Checking for pkg-config module %s... ' % module)
    ok = subprocess.call(['pkg-config', '--exists', module]) == 0
    conf.Result(ok)
    return ok


def check_program(conf, prog):
    conf.Message('Checking for %s... ' % prog)
    ok = conf.env.WhereIs(prog) is not None
    conf.Result(ok)
    return ok


def variant_name(cc, flavor, link, sanitize, debug, urcu='system'):
    parts = [os.path.basename(cc), flavor, link]
    if sanitize:
        parts.append('san-' + sanitize.replace(',', '-'))
    if debug:
        parts.append('debug')
    if urcu != 'system':
        parts.append('urcu' + urcu.replace('.', ''))
    return '-'.join(parts)


fetched = {}
# Whether the leg against liburcu 0.15.2 is wanted (urcu015=yes, urcu=0.15 or
# the check-urcu015 target; set by SConstruct): parts define its checks only
# then, since they need the network to fetch it.
URCU015 = False
shims = {}


# Targets that never build against a fetched liburcu: they need no fetch
# (unless the configured build itself is urcu=0.15).
NO_FETCH_TARGETS = {'test', 'examples', 'demo', 'demo-hello', 'sparse', 'doc',
                    'man', 'install', 'uninstall', 'bench', 'fuzz', 'configd'}


def urcu_prefix(env, urcu):
    """The prefix holding a fetched liburcu. Fetched on first use by a
    target that may need it (once per machine, then cached under build/),
    and only with urcu015=yes or urcu=0.15: without them no target reaches
    the network, and SConstruct drops the leg's checks from `scons check`;
    `scons -c`, `scons -h` and the targets above never fetch."""
    if urcu not in fetched:
        version, suite = URCU_FETCHED[urcu]
        prefix = os.path.join(TOP, 'build', 'urcu-' + version)
        script = os.path.join(TOP, 'scripts', 'fetch-liburcu.sh')
        # The network only when asked: the configured build is urcu=0.15,
        # or urcu015=yes adds the leg to check (rcuslot_check.SKIPPED).
        needed = env.get('urcu') == urcu or (
            URCU015 and set(COMMAND_LINE_TARGETS) - NO_FETCH_TARGETS)
        if (needed and not GetOption('clean') and not GetOption('help') and
                subprocess.call([script, prefix, suite]) != 0):
            fail('could not fetch liburcu %s (suite %s) with %s' %
                 (version, suite, script))
        fetched[urcu] = prefix
    return fetched[urcu]


def urcu_include(env, cc, urcu):
    """Compile env against the headers of liburcu `urcu` (a fetched one)."""
    prefix = urcu_prefix(env, urcu)
    triplet = subprocess.check_output([cc, '-print-multiarch'], text=True).strip()
    # -isystem: liburcu's headers are system headers, as when installed.
    env.Append(CCFLAGS=['-isystem', '%s/usr/include/%s' % (prefix, triplet)])
    return '%s/usr/lib/%s/' % (prefix, triplet)


def urcu_flags(env, flavor, urcu):
    """Compile and link env against liburcu `urcu`, flavor `flavor`."""
    if urcu == 'system':
        # liburcu-cds: rculfhash, for RCU_MAP_DEFINE.
        env.ParseConfig('pkg-config --cflags --libs liburcu-' + flavor + ' liburcu-cds')
        env['RCUSLOT_URCU_VERSION'] = subprocess.check_output(
            ['pkg-config', '--modversion', 'liburcu-' + flavor], text=True).strip()
        return
    if flavor not in URCU_FLAVORS[urcu]:
        fail('liburcu %s has no %s flavor' % (urcu, flavor))
    libdir = urcu_include(env, env['CC'], urcu)
    # Static archives: nothing to find at run time. The shim supplies the
    # two glibc 2.38 names the archives were built against.
    cc = os.path.basename(env['CC'])
    if cc not in shims:  # one object per compiler, whatever the variant
        senv = env.Clone(CCFLAGS=warnings(env) + ['-O2'], CFLAGS=['-std=gnu11'],
                         CPPDEFINES=[], CPPPATH=[])
        shims[cc] = senv.Object('#build/urcu-shim-%s/glibc_isoc23_shim.o' % cc,
                                '#test/glibc_isoc23_shim.c')
    shim = shims[cc]
    env.Append(LIBS=[env.File(libdir + 'liburcu-cds.a'),
                     env.File(libdir + 'liburcu-%s.a' % flavor),
                     env.File(libdir + 'liburcu-common.a')] + shim)
    env['RCUSLOT_URCU_LIBDIR'] = libdir
    env['RCUSLOT_URCU_VERSION'] = URCU_FETCHED[urcu][0]


def urcu_libs(env, flavors):
    """What to link for liburcu flavors beyond env's own: the system's
    libraries, or the leg's static archives (before env's, for their order)."""
    if env.get('RCUSLOT_URCU', 'system') == 'system':
        return ['urcu-' + f for f in flavors]
    return [env.File(env['RCUSLOT_URCU_LIBDIR'] + 'liburcu-%s.a' % f) for f in flavors]


def soname(version):
    """librcuslot's SONAME for a version (doc/abi.md): while the version is
    0.y the minor is in it (librcuslot.so.0.2), since a 0.y release may
    break the ABI; from 1.0, the major alone."""
    major, minor = version.split('.')[:2]
    return 'librcuslot.so.' + (major if major != '0' else '0.' + minor)


LIB_SOURCES = ['flavor', 'defer', 'batch', 'debug', 'symbolize', 'seed', 'tree']
LIB_VERSION_SCRIPT = 'rcuslot/lib/librcuslot.map'
_libraries = {}


def library(base, cc, sanitize, urcu='system'):
    """librcuslot (shared and static) for one compiler, sanitizer set and
    liburcu, built once under build/lib-<cc>[-san-...][-urcu015]/; returns
    (dir, shared, static).

    The library is flavor-agnostic and the same for debug and release units
    and for either liburcu link mode, so those do not multiply it. It is
    built with the programs' sanitizers (ThreadSanitizer must see its
    annotations); libFuzzer's main stays in the fuzz programs. It is built
    per liburcu release: it reads liburcu's struct rcu_flavor_struct, whose
    layout changed in 0.15. It calls no liburcu function itself (descriptors
    and weak references), so a program links the release's flavor
    libraries; it names liburcu-common.so as DT_NEEDED for the release."""
    key = (os.path.basename(cc), sanitize, urcu)
    if key in _libraries:
        return _libraries[key]
    name = 'lib-' + os.path.basename(cc)
    if sanitize:
        name += '-san-' + sanitize.replace(',', '-')
    if urcu != 'system':
        name += '-urcu' + urcu.replace('.', '')
    vdir = '#build/' + name
    env = base.Clone(CC=cc)
    env.Append(CCFLAGS=warnings(env) + ['-pthread', '-O2', '-g', '-fvisibility=hidden'],
               CFLAGS=['-std=gnu11'], CPPPATH=['#'],
               CPPDEFINES=['_LGPL_SOURCE'], LINKFLAGS=['-pthread'])
    if urcu != 'system':
        urcu_include(env, cc, urcu)
    if sanitize:
        lib_san = sanitize.replace('fuzzer', 'fuzzer-no-link')
        san = ['-fsanitize=' + lib_san, '-fno-sanitize-recover=all',
               '-fno-omit-frame-pointer']
        env.Append(CCFLAGS=san, LINKFLAGS=san)
    script = env.File('#' + LIB_VERSION_SCRIPT)
    shared_objs = [env.SharedObject('%s/%s.os' % (vdir, n), '#rcuslot/lib/%s.c' % n)
                   for n in LIB_SOURCES]
    static_objs = [env.Object('%s/%s.o' % (vdir, n), '#rcuslot/lib/%s.c' % n)
                   for n in LIB_SOURCES]
    # -z defs: nothing undefined but libc's (the flavors are reached through
    # their descriptors and weak references); sanitized builds leave their
    # runtime to the program, as clang links it.
    defs = [] if sanitize else ['-Wl,-z,defs']
    # The library reads liburcu's struct rcu_flavor_struct, whose layout is
    # the release's: record the release it was built against as a DT_NEEDED
    # on its liburcu-common.so.N (every flavor's base), so that the loader
    # and the package's dependency (dpkg-shlibdeps) know it. --no-as-needed:
    # it calls none of liburcu-common's functions. The 0.15 leg links its
    # programs with the release's static archives instead.
    if urcu == 'system':
        defs += ['-Wl,--push-state,--no-as-needed', '-lurcu-common',
                 '-Wl,--pop-state']
    version = rd.version_of(env.File('#rcuslot/version.h').abspath)
    shared = env.SharedLibrary(
        '%s/rcuslot' % vdir, shared_objs,
        SHLIBVERSION=version, SONAME=soname(version),
        SHLINKFLAGS=['$SHLINKFLAGS', '-Wl,--version-script=' + script.abspath] + defs)
    env.Depends(shared, script)
    static = env.StaticLibrary('%s/rcuslot' % vdir, static_objs)
    _libraries[key] = (env.Dir(vdir), shared, static)
    return _libraries[key]


def make_env(base, cc, flavor, link, sanitize, debug, cxx=None, urcu='system'):
    """A construction environment for one configuration of the matrix,
    linking librcuslot (shared, found at run time through its RPATH)."""
    env = base.Clone(CC=cc)
    if cxx:
        env['CXX'] = cxx
    env.Append(CCFLAGS=warnings(env) + ['-pthread'],
               CFLAGS=['-std=gnu11'],
               CPPPATH=['#'],
               CPPDEFINES=[('RCUSLOT_FLAVOR', flavor)],
               LINKFLAGS=['-pthread'])
    if link == 'lgpl':
        env.Append(CPPDEFINES=['_LGPL_SOURCE'])
    env.Append(CCFLAGS=['-O0', '-g3'] if debug else ['-O2', '-g'])
    if debug:
        # No _GNU_SOURCE: librcuslot finds a misuse's file:line by itself.
        env.Append(CPPDEFINES=['RCUSLOT_DEBUG'])
    if sanitize:
        san = ['-fsanitize=' + sanitize, '-fno-sanitize-recover=all',
               '-fno-omit-frame-pointer']
        env.Append(CCFLAGS=san, LINKFLAGS=san)
    env['RCUSLOT_VARIANT'] = variant_name(cc, flavor, link, sanitize, debug, urcu)
    env['RCUSLOT_URCU'] = urcu
    urcu_flags(env, flavor, urcu)
    libdir, shared, _ = library(base, cc, sanitize, urcu)
    env.Prepend(LIBS=['rcuslot'])
    env.Append(LIBPATH=[libdir], RPATH=[libdir.abspath])
    env['RCUSLOT_LIB'] = shared
    env['RCUSLOT_LIBDIR'] = libdir
    env['CHECK_FLAGS'] = subprocess.check_output(
        ['pkg-config', '--cflags', '--libs', 'check'], text=True).split()
    env['RCUSLOT_FLAVOR'] = flavor
    env['RCUSLOT_SANITIZE'] = sanitize
    return env


def with_flavor(env, flavor):
    """A clone of a configuration's environment for another liburcu flavor
    (for a program written for one flavor, such as a qsbr example)."""
    old = env['RCUSLOT_FLAVOR']
    new = env.Clone(RCUSLOT_FLAVOR=flavor)
    new['CPPDEFINES'] = [d for d in env['CPPDEFINES']
                         if not (isinstance(d, (tuple, list)) and
                                 d[0] == 'RCUSLOT_FLAVOR')]
    new.Append(CPPDEFINES=[('RCUSLOT_FLAVOR', flavor)])
    if env['RCUSLOT_URCU'] == 'system':
        new['LIBS'] = [('urcu-' + flavor if l == 'urcu-' + old else l)
                       for l in env['LIBS']]
    else:
        lib = env['RCUSLOT_URCU_LIBDIR'] + 'liburcu-%s.a'
        new['LIBS'] = [(env.File(lib % flavor) if str(l) == str(env.File(lib % old))
                        else l) for l in env['LIBS']]
    return new


TSAN_SUPPRESSIONS = os.path.join(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))), 'test', 'tsan.supp')


def sanitizer_env(sanitize):
    """Runtime options so that any sanitizer report fails the run."""
    env = dict(os.environ)
    if 'address' in sanitize:
        env['ASAN_OPTIONS'] = 'abort_on_error=1:detect_leaks=1:strict_string_checks=1'
    if 'undefined' in sanitize:
        env['UBSAN_OPTIONS'] = 'halt_on_error=1:print_stacktrace=1'
    if 'thread' in sanitize:
        # Suppressions: reports inside liburcu only (see the file).
        # die_after_fork=0: the fork tests start threads in the child.
        # atexit_sleep_ms=0: TSan sleeps a second in every exiting process
        # by default, and Check forks one per test; the tests join their
        # threads before they exit, so the sleep catches nothing there.
        env['TSAN_OPTIONS'] = ('halt_on_error=1:second_deadlock_stack=1:'
                               'die_after_fork=0:atexit_sleep_ms=0:'
                               'suppressions=' + TSAN_SUPPRESSIONS)
    return env


@records_verdict
def run_logged(target, source, env):
    """Run source[0] (with RUN_ARGS), echo its output and keep it in target[0].
    Fails when the program exits non-zero (under `scons check`, records the
    failure in the log and lets the build go on: rcuslot_check)."""
    prog = source[0].abspath
    args = env.get('RUN_ARGS', [])
    run_env = sanitizer_env(env.get('RCUSLOT_SANITIZE', ''))
    run_env.update(env.get('RUN_ENV', {}))
    label = env.get('RUN_LABEL', os.path.basename(prog))
    if env.get('RUN_STREAM'):
        return run_streamed([prog] + list(args), run_env, target[0].abspath)
    proc = subprocess.run([prog] + list(args), env=run_env,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, errors='replace')
    with open(target[0].abspath, 'w') as log:
        log.write(proc.stdout)
        log.write('\nexit status: %d\n' % proc.returncode)
    # One block per run, so that runs in parallel (-j2) do not interleave.
    block = '==> %s [%s]\n%s' % (label, env['RCUSLOT_VARIANT'], proc.stdout)
    if proc.returncode != 0:
        block += '==> FAILED: %s [%s] exit status %d\n' % (
            label, env['RCUSLOT_VARIANT'], proc.returncode)
    sys.stdout.write(block)
    sys.stdout.flush()
    return proc.returncode


def run_streamed(argv, run_env, log_path, status_line=True):
    """Run argv with its output shown as it comes (demos, benchmarks) and
    logged; the log ends with the exit status unless status_line is off."""
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(argv, env=run_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True,
                                errors='replace')
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
        rc = proc.wait()
        if status_line:
            log.write('\nexit status: %d\n' % rc)
    return rc


# ---------------------------------------------------------------------------
# librcuslot as programs use it, and its ABI.

@records_verdict
def scenarios(target, source, env):
    """test/scenarios/run.py for one compiler (and liburcu), logged."""
    script = os.path.join(os.path.dirname(source[0].srcnode().abspath), 'run.py')
    argv = [sys.executable, script, '--cc', env['SCENARIO_CC'],
            '--libdir', env['SCENARIO_LIBDIR'], '--out', env['SCENARIO_OUT']]
    if env.get('SCENARIO_URCU_PREFIX'):
        argv += ['--urcu-prefix', env['SCENARIO_URCU_PREFIX']]
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    with open(target[0].abspath, 'w') as log:
        log.write(proc.stdout + '\nexit status: %d\n' % proc.returncode)
    sys.stdout.write(proc.stdout)
    return proc.returncode


def version_script_symbols(path):
    """The global symbols a version script lists."""
    with open(path) as f:
        text = re.sub(r'/\*.*?\*/', '', f.read(), flags=re.S)
    body = text.split('global:', 1)[1].split('local:', 1)[0]
    return sorted(s.strip() for s in body.split(';') if s.strip())


@records_verdict
def abi_check(target, source, env):
    """librcuslot.so exports exactly the version script's symbols, and its
    SONAME is soname(version); the static library defines them too."""
    shared, static, script = (n.abspath for n in source[:3])
    want = version_script_symbols(script)
    nm = subprocess.run(['nm', '-D', '--defined-only', shared], stdout=subprocess.PIPE,
                        text=True, check=True).stdout
    got = sorted(l.split()[-1].split('@')[0] for l in nm.splitlines()
                 if l.split() and l.split()[-1].split('@')[0] != 'RCUSLOT_0')
    problems = []
    extra, missing = sorted(set(got) - set(want)), sorted(set(want) - set(got))
    if extra:
        problems.append('exported but not in the list: ' + ', '.join(extra))
    if missing:
        problems.append('listed but not exported: ' + ', '.join(missing))
    want_soname = soname(rd.version_of(env.File('#rcuslot/version.h').abspath))
    objdump = subprocess.run(['objdump', '-p', shared], stdout=subprocess.PIPE,
                             text=True, check=True).stdout
    found = re.search(r'SONAME\s+(\S+)', objdump)
    if not found or found.group(1) != want_soname:
        problems.append('SONAME %s, not %s' %
                        (found.group(1) if found else 'missing', want_soname))
    nm_static = subprocess.run(['nm', '--defined-only', static], stdout=subprocess.PIPE,
                               text=True, check=True).stdout
    defined = {l.split()[-1] for l in nm_static.splitlines()
               if len(l.split()) == 3 and l.split()[1] in 'TDBR'}
    lost = sorted(set(want) - defined)
    if lost:
        problems.append('librcuslot.a does not define: ' + ', '.join(lost))
    lines = ['abi: %s: %d symbols exported, as listed in %s; SONAME %s' %
             (os.path.basename(shared), len(got), os.path.basename(script),
              found.group(1) if found else '?')]
    lines += ['abi: FAILED: ' + p for p in problems]
    with open(target[0].abspath, 'w') as log:
        log.write('\n'.join(lines) + '\n')
    print('\n'.join(lines))
    return 1 if problems else 0


# ---------------------------------------------------------------------------
# Compile-fail cases: each file holds the misuse, and under -DRCUSLOT_CF_OK its
# correct twin. The twin must compile; the misuse must fail with an `error:`
# line matching the file's `expect-error:` pattern.

EXPECT_RE = re.compile(r'expect-error(?:-(gcc|clang))?:\s*(.+?)\s*(?:\*/)?$', re.M)


def expected_errors(path, cc):
    with open(path) as f:
        text = f.read()
    family = 'clang' if 'clang' in os.path.basename(cc) else 'gcc'
    pats = [p for (fam, p) in EXPECT_RE.findall(text) if fam in ('', family)]
    if not pats:
        raise ValueError('%s: no expect-error line for %s' % (path, family))
    return pats


@records_verdict
def compile_fail(target, source, env):
    """Compile the case's correct twin (must compile) and its misuse (must
    fail with the expected error); the verdict and the compiler's output go
    to target[0]."""
    src = source[0].srcnode().abspath
    cc = env.subst('$CC')
    flags = env.subst('$CCFLAGS $CFLAGS $_CCCOMCOM', target=target,
                      source=source).split()
    if '-Werror' not in flags:  # the cases rely on it, whatever werror says
        flags.append('-Werror')
    # A real compile: gcc reports unused results only past -fsyntax-only.
    base = [cc] + flags + ['-c', '-o', os.devnull, src]
    name = os.path.basename(src)
    cenv = dict(os.environ, LC_ALL='C')  # plain quotes in diagnostics
    ok = subprocess.run(base + ['-DRCUSLOT_CF_OK'], stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True, env=cenv)
    bad = None
    if ok.returncode != 0:
        problem = ('compile-fail: %s: its correct twin does not compile:\n%s' %
                   (name, ok.stdout))
    else:
        bad = subprocess.run(base, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True, env=cenv)
        errors = [l for l in bad.stdout.splitlines() if ' error: ' in l]
        unmatched = [p for p in expected_errors(src, cc)
                     if not any(re.search(p, l) for l in errors)]
        if bad.returncode == 0:
            problem = 'compile-fail: %s: the misuse compiled' % name
        elif unmatched:
            problem = ('compile-fail: %s: no error matches /%s/; errors were:\n  %s' %
                       (name, unmatched[0], '\n  '.join(errors) or '(none)'))
        else:
            problem = None
    with open(target[0].abspath, 'w') as log:
        log.write((problem or 'compile-fail: %s: rejected as expected (%s)' %
                   (name, os.path.basename(cc))) + '\n')
        if bad is not None:
            log.write(bad.stdout)
    if problem:
        print(problem)
        return 1
    print('compile-fail: %s: rejected as expected (%s)' %
          (name, os.path.basename(cc)))
    return 0


# ---------------------------------------------------------------------------
# sparse: zero warnings on correct code; the expected warning on misuse.

@records_verdict
def sparse_check(target, source, env):
    """Run sparse on source[0] with SPARSE_FLAGS. With SPARSE_EXPECT set,
    every line it prints must be accounted for and the pattern must appear;
    without it, sparse must print nothing."""
    src = source[0].srcnode().abspath
    flavor = env['SPARSE_FLAVOR']
    cmd = (['sparse', '-I' + env.Dir('#').abspath,
            '-DRCUSLOT_FLAVOR=' + flavor] + env['SPARSE_FLAGS'] +
           subprocess.check_output(['pkg-config', '--cflags', 'liburcu-' + flavor],
                                   text=True).split() + [src])
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True).stdout
    name = '%s %s' % (os.path.basename(src), ' '.join(env['SPARSE_FLAGS']))
    expect = env.get('SPARSE_EXPECT')
    lines = [l for l in out.splitlines() if l.strip()]
    if expect:
        hits = [l for l in lines if re.search(expect, l)]
        other = [l for l in lines if ': warning: ' in l or ': error: ' in l]
        ok = hits and len(hits) == len(other)
    else:
        ok = not lines
    verdict = ('flags the misuse' if expect else 'clean') if ok else 'FAILED'
    print('sparse: %s: %s%s' % (name, verdict, '' if ok else '\n' + out))
    with open(target[0].abspath, 'w') as log:
        log.write(out)
    return 0 if ok else 1
