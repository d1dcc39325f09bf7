# SPDX-License-Identifier: MIT
"""Build helpers for packaging/SConscript: pkg-config files, uninstall, and
the consumer tests that use an installed kit the way another project would.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from rcuslot_build import soname
from rcuslot_check import records_verdict

# The pkg-config files: rcuslot.pc (the default flavor, memb, without a
# -DRCUSLOT_FLAVOR) and one rcuslot-<flavor>.pc per flavor.
DEFAULT_FLAVOR = 'memb'


def pc_modules(flavors):
    """[(module name, flavor, extra Cflags)] for every .pc file."""
    mods = [('rcuslot', DEFAULT_FLAVOR, '')]
    mods += [('rcuslot-' + f, f, ' -DRCUSLOT_FLAVOR=' + f) for f in flavors]
    return mods


# The CMake package, generated from packaging/<name>.in into LIBDIR/cmake/rcuslot.
CMAKE_DIR = 'cmake/rcuslot'
CMAKE_FILES = ['rcuslotConfig.cmake', 'rcuslotConfigVersion.cmake',
               'rcuslotTargets.cmake']


def cmake_subst_dict(flavors, prefix, libdir, version):
    major, minor = version.split('.')[:2]
    return {
        '@PREFIX@': prefix,
        '@LIBDIR@': libdir,
        '@VERSION@': version,
        '@MAJOR@': major,
        '@MINOR@': minor,
        '@SONAME@': soname(version),
        '@FLAVORS@': ' '.join(flavors),
        '@FLAVORS_TEXT@': ', '.join(flavors),
        '@DEFAULT_FLAVOR@': DEFAULT_FLAVOR,
    }


def subst_dict(module, flavor, cflags, prefix, libdir, version):
    return {
        '@PREFIX@': prefix,
        '@LIBDIR@': libdir,
        '@MODULE@': module,
        '@FLAVOR@': flavor,
        '@FLAVOR_CFLAGS@': cflags,
        '@VERSION@': version,
    }


def man_section(target, source, env):
    """Copy a man page Doxygen wrote for section 3 into MAN_SECTION (3rcuslot):
    the .TH line's section and the .so links' file names follow."""
    sect = env['MAN_SECTION']
    with open(source[0].abspath) as f:
        text = f.read()
    text = re.sub(r'^(\.TH "[^"]*") 3 ', r'\1 %s ' % sect, text, count=1, flags=re.M)
    text = re.sub(r'^\.so man3/(\S+)\.3\s*$', r'.so man3/\1.%s' % sect, text, flags=re.M)
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    return 0


def uninstall(target, source, env):
    """Remove what `scons install` installed (UNINSTALL_FILES) and rcuslot's
    own directories when empty (UNINSTALL_DIRS). Shared directories such as
    share/man/man3 stay, as with automake's uninstall."""
    removed = 0
    for path in env['UNINSTALL_FILES']:
        if os.path.lexists(path):
            os.remove(path)
            removed += 1
    for d in env['UNINSTALL_DIRS']:
        if os.path.isdir(d) and not os.listdir(d):
            os.rmdir(d)
    print('uninstall: removed %d files' % removed)
    return 0


def _clean_env(extra):
    """The environment of a consumer build: the caller's, minus anything that
    could point the compiler at this source tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ('CPATH', 'C_INCLUDE_PATH', 'CPLUS_INCLUDE_PATH',
                        'LIBRARY_PATH', 'PKG_CONFIG_LIBDIR', 'CFLAGS',
                        'CPPFLAGS', 'LDFLAGS')}
    env.update(extra)
    env['LC_ALL'] = 'C'
    return env


@records_verdict
def consumer_build(target, source, env):
    """Copy the consumer program to a fresh directory outside the tree,
    compile it with CONSUMER_COMMAND (pkg-config the only source of flags,
    PKG_CONFIG_PATH at the scratch prefix) and run it. The log is target[0]."""
    prefix = env['CONSUMER_PREFIX']
    cmd = env['CONSUMER_COMMAND']
    label = env['CONSUMER_LABEL']
    run_env = _clean_env({'PKG_CONFIG_PATH':
                          os.path.join(prefix, 'lib', 'pkgconfig')})
    out = ['$ PKG_CONFIG_PATH=%s %s' % (run_env['PKG_CONFIG_PATH'], cmd)]
    work = tempfile.mkdtemp(prefix='rcuslot-consumer-')
    try:
        shutil.copy(source[0].abspath, os.path.join(work, source[0].name))
        proc = subprocess.run(['sh', '-c', cmd], cwd=work, env=run_env,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        out.append(proc.stdout.rstrip())
        rc = proc.returncode
        check = env.get('CONSUMER_STATIC')
        if rc == 0 and check is not None:
            # A static link names no librcuslot.so; a shared one does.
            dyn = subprocess.run(['readelf', '-d', 'a.out'], cwd=work, text=True,
                                 stdout=subprocess.PIPE).stdout
            needed = 'librcuslot.so' in dyn
            out.append('$ readelf -d a.out: %s librcuslot.so' %
                       ('needs' if needed else 'does not need'))
            if needed == check:
                out.append('wanted a %s link' % ('static' if check else 'shared'))
                rc = 1
        if rc == 0:
            argv = ['./a.out'] + list(env['CONSUMER_ARGS'])
            # A prefix outside the loader's path, as a user's would be.
            lenv = dict(run_env, LD_LIBRARY_PATH=os.path.join(prefix, 'lib'))
            out.append('$ LD_LIBRARY_PATH=%s %s' % (lenv['LD_LIBRARY_PATH'], ' '.join(argv)))
            try:
                proc = subprocess.run(argv, cwd=work, env=lenv, timeout=120,
                                      stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT, text=True)
                out.append(proc.stdout.rstrip())
                rc = proc.returncode
            except subprocess.TimeoutExpired:
                out.append('timed out (a grace period that never ends?)')
                rc = 1
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = '\n'.join(l for l in out if l) + '\nexit status: %d\n' % rc
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    block = '==> consumer %s\n%s' % (label, text)
    if rc != 0:
        block += '==> FAILED: consumer %s\n' % label
    sys.stdout.write(block)
    sys.stdout.flush()
    return rc


def _step(argv, cwd, env, out, timeout=None):
    """Run one step of a consumer build, its command and output into out."""
    out.append('$ ' + ' '.join(argv))
    try:
        proc = subprocess.run(argv, cwd=cwd, env=env, timeout=timeout,
                              stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    except subprocess.TimeoutExpired:
        out.append('timed out after %ds' % timeout)
        return 1
    out.append(proc.stdout.rstrip())
    return proc.returncode


def _check_links(build_dir, all_static, out):
    """Every program app* in build_dir must need librcuslot.so, or not when
    all_static or its name ends in -static. Returns the number checked, or
    -1 on a wrong link."""
    n, ok = 0, True
    for name in sorted(os.listdir(build_dir)):
        path = os.path.join(build_dir, name)
        if not name.startswith('app') or not os.path.isfile(path):
            continue
        with open(path, 'rb') as f:
            if f.read(4) != b'\x7fELF':
                continue
        dyn = subprocess.run(['readelf', '-d', path], text=True,
                             stdout=subprocess.PIPE).stdout
        needed = 'librcuslot.so' in dyn
        static = all_static or name.endswith('-static')
        out.append('$ readelf -d %s: %s librcuslot.so%s' % (
            name, 'needs' if needed else 'does not need',
            '' if needed != static else
            ' (wanted a %s librcuslot)' % ('static' if static else 'shared')))
        ok = ok and needed != static
        n += 1
    return n if ok else -1


def _project_build(target, source, env, steps, verify):
    """Copy the consumer project (the sources from the first one's directory)
    to a fresh directory outside the tree, build it in CONSUMER_BUILD_DIR
    (emptied first) with `steps` (argv lists; {src} and {build} replaced),
    check how each program links librcuslot, then verify(out) (0 for
    success) on the output, and write the log target[0]."""
    prefix = env['CONSUMER_PREFIX']
    label = env['CONSUMER_LABEL']
    build = env['CONSUMER_BUILD_DIR']
    run_env = _clean_env({
        'PKG_CONFIG_PATH': os.path.join(prefix, 'lib', 'pkgconfig'),
        # A prefix outside the loader's path, as a user's would be.
        'LD_LIBRARY_PATH': os.path.join(prefix, 'lib')})
    for var in ('CMAKE_PREFIX_PATH', 'CMAKE_GENERATOR', 'CMAKE_BUILD_TYPE',
                'CXXFLAGS', 'MESON_CROSS_FILE'):
        run_env.pop(var, None)
    out = ['PKG_CONFIG_PATH=%s LD_LIBRARY_PATH=%s' %
           (run_env['PKG_CONFIG_PATH'], run_env['LD_LIBRARY_PATH'])]
    src = tempfile.mkdtemp(prefix='rcuslot-consumer-')
    rc = 0
    try:
        home = os.path.dirname(source[0].abspath)
        for s in source:
            if os.path.dirname(s.abspath) == home:
                shutil.copy(s.abspath, os.path.join(src, s.name))
        shutil.rmtree(build, ignore_errors=True)
        for argv in steps:
            argv = [a.format(src=src, build=build) for a in argv]
            rc = _step(argv, src, run_env, out, timeout=600)
            if rc != 0:
                break
        if rc == 0:
            n = _check_links(build, env.get('CONSUMER_STATIC'), out)
            if n < 0:
                rc = 1
            elif n == 0:
                out.append('no programs built in ' + build)
                rc = 1
        if rc == 0:
            rc = verify(out)
    finally:
        shutil.rmtree(src, ignore_errors=True)
    text = '\n'.join(l for l in out if l) + '\nexit status: %d\n' % rc
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    block = '==> consumer %s\n%s' % (label, text)
    if rc != 0:
        block += '==> FAILED: consumer %s\n' % label
    sys.stdout.write(block)
    sys.stdout.flush()
    return rc


@records_verdict
def consumer_cmake(target, source, env):
    """The consumer project built with CMake from the installed package alone
    (find_package(rcuslot) with CMAKE_PREFIX_PATH at the scratch prefix,
    CONSUMER_EXTRA added to the configure step), its programs run by ctest.
    The package must be the one in the scratch prefix."""
    prefix = env['CONSUMER_PREFIX']
    want = 'from ' + os.path.join(prefix, 'lib', CMAKE_DIR)
    def verify(out):
        if not any(want in line for line in out):
            out.append('find_package(rcuslot) did not use the package in ' + prefix)
            return 1
        # Every compile and link of the verbose build gets -pthread, as
        # from the .pc files (the program would build without it on glibc).
        steps = [l for l in '\n'.join(out).splitlines()
                 if l.startswith('[') and ('/cc ' in l or '/c++ ' in l)]
        lacking = [l for l in steps if ' -pthread ' not in l + ' ']
        out.append('-pthread in %d of %d compile and link commands'
                   % (len(steps) - len(lacking), len(steps)))
        return 1 if lacking or not steps else 0
    steps = [['cmake', '-S', '{src}', '-B', '{build}', '-G', 'Ninja',
              '-DCMAKE_PREFIX_PATH=' + prefix] + list(env['CONSUMER_EXTRA']),
             ['cmake', '--build', '{build}', '--verbose'],
             ['ctest', '--test-dir', '{build}', '--output-on-failure']]
    return _project_build(target, source, env, steps, verify)


@records_verdict
def consumer_meson(target, source, env):
    """The consumer project built with Meson, dependency('rcuslot') and
    dependency('rcuslot-<flavor>') resolved through the installed .pc files
    (PKG_CONFIG_PATH at the scratch prefix), built by ninja, its programs run
    by meson test."""
    prefix = env['CONSUMER_PREFIX']

    def verify(out):
        if not any(('in ' + os.path.join(prefix, 'lib')) in line for line in out):
            out.append("dependency('rcuslot') did not use the kit in " + prefix)
            return 1
        return 0
    steps = [['meson', 'setup', '{build}', '{src}'] + list(env['CONSUMER_EXTRA']),
             ['ninja', '-C', '{build}', '-v'],
             ['meson', 'test', '-C', '{build}', '--print-errorlogs']]
    return _project_build(target, source, env, steps, verify)


def cmake_version_cases(version):
    """[(requested, compatible?)] for rcuslotConfigVersion.cmake at version:
    until 1.0 a request is met by the same minor at or above it."""
    major, minor, patch = (int(x) for x in version.split('.')[:3])
    cases = [('', True), (version, True), ('%d.%d' % (major, minor), True),
             ('%d.%d' % (major, minor + 1), False), ('%d' % (major + 1), False),
             ('%d.%d.%d' % (major, minor, patch + 1), False),
             ('%d' % major, True)]
    if major == 0:
        cases.append(('0.%d' % (minor - 1) if minor else '0.%d' % (minor + 2),
                      False))
    else:
        cases.append(('%d.0' % major, True))
    cases += [('%d.%d...%d' % (major, minor, major + 1), True),
              ('%d.%d...<%s' % (major, minor, version), False)]
    return cases


@records_verdict
def check_cmake_package(target, source, env):
    """Ask the installed rcuslotConfigVersion.cmake, as find_package would
    (cmake -P with the PACKAGE_FIND_VERSION* variables set), whether it meets
    each request of cmake_version_cases; then find_package the kit with
    COMPONENTS, a flavor and a name that is none."""
    path = env['CMAKE_VERSION_FILE']
    version = env['CHECK_VERSION']
    out, errors = [], []
    work = tempfile.mkdtemp(prefix='rcuslot-cmake-version-')
    try:
        for request, want in cmake_version_cases(version):
            lines = []
            if '...' in request:
                lo, hi = request.split('...')
                bound = 'EXCLUDE' if hi.startswith('<') else 'INCLUDE'
                hi = hi.lstrip('<')
                lines += ['set(PACKAGE_FIND_VERSION_RANGE "%s")' % request,
                          'set(PACKAGE_FIND_VERSION_MIN "%s")' % lo,
                          'set(PACKAGE_FIND_VERSION_MAX "%s")' % hi,
                          'set(PACKAGE_FIND_VERSION_RANGE_MAX "%s")' % bound]
                request_v = lo
            else:
                request_v = request
            if request_v:
                lines += ['set(PACKAGE_FIND_VERSION "%s")' % request_v,
                          'set(PACKAGE_FIND_VERSION_COUNT %d)' %
                          len(request_v.split('.'))]
            lines += ['include("%s")' % path,
                      'message("compatible=${PACKAGE_VERSION_COMPATIBLE} '
                      'version=${PACKAGE_VERSION}")']
            script = os.path.join(work, 'ask.cmake')
            with open(script, 'w') as f:
                f.write('\n'.join(lines) + '\n')
            proc = subprocess.run(['cmake', '-P', script], text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            got = proc.stdout.strip()
            out.append('request %-16r -> %s' % (request, got))
            expect = 'compatible=%s version=%s' % ('TRUE' if want else 'FALSE',
                                                   version)
            if proc.returncode != 0 or got != expect:
                errors.append('request %r: got %r, expected %r'
                              % (request, got, expect))
        # Components: a flavor alone, and a name that is no flavor.
        proj = os.path.join(work, 'components')
        os.mkdir(proj)
        with open(os.path.join(proj, 'CMakeLists.txt'), 'w') as f:
            f.write(COMPONENTS_PROJECT)
        proc = subprocess.run(
            ['cmake', '-S', proj, '-B', os.path.join(proj, 'build'),
             '-DCMAKE_PREFIX_PATH=' + env['CONSUMER_PREFIX']],
            text=True, env=_clean_env({}), stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT)
        got = [l for l in proc.stdout.splitlines() if l.startswith('-- components')]
        out += ['components project:'] + got
        want = ['-- components qsbr: found=1 target=TRUE',
                "-- components nosuch: found=0 (no flavor 'nosuch'; "
                'the flavors are: memb, qsbr, mb, bp, signal)']
        if proc.returncode != 0 or got != want:
            errors.append('components: got %r, expected %r\n%s'
                          % (got, want, proc.stdout))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    with open(target[0].abspath, 'w') as f:
        f.write('\n'.join(out + errors) + '\n')
    if errors:
        print('==> FAILED: cmake package\n  ' + '\n  '.join(errors))
        return 1
    print('==> cmake package: %d version requests answered, components checked'
          % len(cmake_version_cases(version)))
    return 0


COMPONENTS_PROJECT = """cmake_minimum_required(VERSION 3.13)
project(rcuslot_components C)
find_package(rcuslot QUIET COMPONENTS qsbr)
if(TARGET rcuslot::qsbr)
  set(t TRUE)
endif()
message(STATUS "components qsbr: found=${rcuslot_FOUND} target=${t}")
find_package(rcuslot QUIET COMPONENTS nosuch)
message(STATUS "components nosuch: found=${rcuslot_FOUND} (${rcuslot_NOT_FOUND_MESSAGE})")
"""


def _run(argv, env, out):
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    out.append('$ %s\n%s' % (' '.join(argv), proc.stdout.rstrip()))
    return proc.returncode, proc.stdout.strip()


@records_verdict
def check_layout(target, source, env):
    """Check installed trees: CHECK_TREES is [(root, prefix, files)], root
    being DESTDIR + prefix. Every file must be there; every .pc must pass
    pkg-config --validate and carry the unstaged prefix and the version,
    every .cmake file the unstaged prefix and never the staging root;
    for the unstaged tree, `man -w` must find the pages."""
    errors, out = [], []
    version = env['CHECK_VERSION']
    for root, prefix, files in env['CHECK_TREES']:
        for rel in files:
            path = os.path.join(root, rel)
            if not os.path.isfile(path):
                errors.append('not installed: ' + path)
        pcdir = os.path.join(root, 'lib', 'pkgconfig')
        for rel in files:
            if not rel.endswith('.pc'):
                continue
            path = os.path.join(root, rel)
            if not os.path.isfile(path):
                continue
            with open(path) as f:
                text = f.read()
            if 'prefix=%s\n' % prefix not in text:
                errors.append('%s: prefix is not %s' % (path, prefix))
            rc, _ = _run(['pkg-config', '--validate', path],
                         _clean_env({'PKG_CONFIG_PATH': pcdir}), out)
            if rc != 0:
                errors.append('%s: pkg-config --validate failed' % path)
        for rel in files:
            path = os.path.join(root, rel)
            if not rel.endswith('.cmake') or not os.path.isfile(path):
                continue
            with open(path) as f:
                text = f.read()
            # The final prefix, never the staging directory.
            if root != prefix and root in text:
                errors.append('%s: names the staging directory %s' % (path, root))
            if rel.endswith('Targets.cmake') and prefix + '/' not in text:
                errors.append('%s: does not name the prefix %s' % (path, prefix))
            if 'set(PACKAGE_VERSION "%s")' % version not in text and \
                    rel.endswith('Version.cmake'):
                errors.append('%s: not version %s' % (path, version))
        if root != prefix:
            continue  # staged (DESTDIR): only the layout is meaningful
        penv = _clean_env({'PKG_CONFIG_PATH': pcdir})
        rc, got = _run(['pkg-config', '--modversion', 'rcuslot'], penv, out)
        if rc != 0 or got != version:
            errors.append('pkg-config --modversion rcuslot: %r, expected %r'
                          % (got, version))
        if shutil.which('man'):
            menv = _clean_env({'MANPATH': os.path.join(prefix, 'share', 'man')})
            for page in env['CHECK_MAN_NAMES']:
                rc, got = _run(['man', '-w', page], menv, out)
                if rc != 0 or not got.startswith(prefix):
                    errors.append('man -w %s: %r' % (page, got))
        else:
            out.append('man not found (apt-get install man-db): '
                       'man -w not checked')
    for prog in env.get('CHECK_NO_RPATH', []):
        dyn = subprocess.run(['readelf', '-d', prog], stdout=subprocess.PIPE,
                             text=True).stdout
        if 'RPATH' in dyn or 'RUNPATH' in dyn:
            errors.append('%s: has an RPATH or RUNPATH' % prog)
        else:
            out.append('%s: no RPATH, no RUNPATH' % prog)
    text = '\n'.join(out + errors) + '\n'
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    if errors:
        print('==> FAILED: installed layout\n  ' + '\n  '.join(errors))
        return 1
    print('==> installed layout: %d trees checked' % len(env['CHECK_TREES']))
    return 0


# ---------------------------------------------------------------------------
# The ABI check (doc/abi.md): librcuslot against the abidw baseline in the tree.

ABIDW = ['abidw', '--no-corpus-path', '--no-show-locs']


def _soname_of_corpus(path):
    with open(path) as f:
        m = re.search(r"<abi-corpus [^>]*soname='([^']*)'", f.read(4096))
    return m.group(1) if m else None


def _soname_of_lib(path):
    out = subprocess.run(['objdump', '-p', path], stdout=subprocess.PIPE,
                         text=True, check=True).stdout
    m = re.search(r'SONAME\s+(\S+)', out)
    return m.group(1) if m else None


@records_verdict
def abi_diff(target, source, env):
    """abidiff the baseline (source[0]) against the library (source[1]).
    Added symbols are left out of the report (--no-added-syms: new API is
    compatible); anything else it reports is a break: a removed symbol
    (exit bit 8) and a changed one (bit 4) alike, since abidiff calls the
    size change of a struct that inline code lays out (struct rcuslot_batch)
    merely "changed". A break fails unless the library's SONAME differs
    from the baseline's, which announces it. The log is target[0]."""
    baseline, lib = source[0].abspath, source[1].abspath
    proc = subprocess.run(['abidiff', '--no-added-syms', baseline, lib],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True)
    old, new = _soname_of_corpus(baseline), _soname_of_lib(lib)
    lines = ['$ abidiff %s %s (exit status %d)' % (
        os.path.relpath(baseline), os.path.relpath(lib), proc.returncode),
        proc.stdout.rstrip()]
    rc = 0
    if proc.returncode & ~(4 | 8):
        lines.append('abi: abidiff itself failed')
        rc = 1
    elif proc.returncode & (4 | 8) and old == new:
        lines.append('abi: FAILED: an ABI change under the same SONAME %s; '
                     'announce it with a new SONAME (the next 0.y version, '
                     'doc/abi.md), then `scons abi-baseline`' % new)
        rc = 1
    elif proc.returncode & (4 | 8):
        lines.append('abi: changes announced by the SONAME (%s, was %s); '
                     '`scons abi-baseline` records the new ABI' % (new, old))
    else:
        lines.append('abi: no change but additions against the baseline '
                     '(SONAME %s)' % new)
    text = '\n'.join(l for l in lines if l) + '\n'
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    print(text if rc else lines[-1])
    return rc


def abi_baseline(target, source, env):
    """Write the baseline (ABI_BASELINE) from the library (source[0])."""
    out = env['ABI_BASELINE']
    subprocess.run(ABIDW + ['--out-file', out, source[0].abspath], check=True)
    print('abi: wrote %s from %s (SONAME %s)' % (
        os.path.relpath(out), os.path.relpath(source[0].abspath),
        _soname_of_corpus(out)))
    return 0


def copy_tracked(top, dest):
    """Copy the files git tracks under top (as they are in the work tree)
    to dest."""
    files = subprocess.run(['git', 'ls-files', '-z'], cwd=top, check=True,
                           stdout=subprocess.PIPE).stdout.decode().split('\0')
    for f in files:
        if f and os.path.isfile(os.path.join(top, f)):
            os.makedirs(os.path.dirname(os.path.join(dest, f)), exist_ok=True)
            shutil.copy2(os.path.join(top, f), os.path.join(dest, f))


@records_verdict
def repro(target, source, env):
    """Two copies of the tracked tree in directories of different names and
    depths (under build/repro/), each building librcuslot (shared and static)
    with a nested scons: the libraries must be bit-identical
    (-ffile-prefix-map; SConstruct). The log is target[0]."""
    top = env.Dir('#').abspath
    work = os.path.join(top, 'build', 'repro')
    shutil.rmtree(work, ignore_errors=True)
    dirs = [os.path.join(work, 'a'), os.path.join(work, 'second', 'tree-b')]
    libs = env['REPRO_LIBS']
    out, rc = [], 0
    for d in dirs:
        copy_tracked(top, d)
        argv = ['scons', '-Q', 'werror=no'] + libs
        out.append('$ (cd %s && %s)' % (os.path.relpath(d, top), ' '.join(argv)))
        proc = subprocess.run(argv, cwd=d, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env=_clean_env({}))
        if proc.returncode != 0:
            out.append(proc.stdout)
            rc = 1
    if rc == 0:
        for lib in libs:
            a, b = (os.path.join(d, lib) for d in dirs)
            same = subprocess.run(['cmp', a, b], stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT, text=True)
            out.append('$ cmp %s %s: %s' % (os.path.relpath(a, top), os.path.relpath(b, top),
                                            'identical' if same.returncode == 0
                                            else same.stdout.strip()))
            rc = rc or same.returncode
    if rc == 0:
        shutil.rmtree(work, ignore_errors=True)
    text = '\n'.join(out) + '\n'
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    print(text.rstrip())
    return rc


def _network_less():
    """The prefix that runs a command without the network: unshare -n as
    root, unshare -rn (a user namespace) otherwise; [] when neither works."""
    for argv in (['unshare', '-n'], ['unshare', '-rn']):
        try:
            if subprocess.run(argv + ['true'], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL).returncode == 0:
                return argv
        except OSError:
            pass
    return []


@records_verdict
def deb_check(target, source, env):
    """The Debian packages, short form: copy the tracked tree to
    build/deb/rcuslot, run `dpkg-buildpackage -us -uc -b` there without the
    network (DEB_BUILD_OPTIONS=nocheck: the tests are scons check's own;
    a symbol missing from debian/librcuslot0.2.symbols fails it),
    then lintian -EvIL +pedantic on the result (no error, no warning) and
    blhc on the build log (no missing hardening flag). The log is
    target[0]; the build's own log is build/deb/build.log."""
    top = env.Dir('#').abspath
    work = os.path.join(top, 'build', 'deb')
    tree = os.path.join(work, 'rcuslot')
    shutil.rmtree(work, ignore_errors=True)
    copy_tracked(top, tree)
    out, rc = [], 0
    isolate = _network_less()
    argv = isolate + ['dpkg-buildpackage', '-us', '-uc', '-b', '-j2']
    out.append('$ (cd build/deb/rcuslot && DEB_BUILD_OPTIONS=nocheck '
               'DPKG_GENSYMBOLS_CHECK_LEVEL=2 %s)%s'
               % (' '.join(argv), '' if isolate else
                  '  [no unshare here: with the network]'))
    # Check level 2: a symbol the library exports and debian/*.symbols does
    # not list fails the build (a distribution's build only warns), so that
    # the file gives each new symbol its version.
    benv = _clean_env({'DEB_BUILD_OPTIONS': 'nocheck',
                       'DPKG_GENSYMBOLS_CHECK_LEVEL': '2'})
    log_path = os.path.join(work, 'build.log')
    with open(log_path, 'w') as log:
        proc = subprocess.run(argv, cwd=tree, env=benv, stdout=log,
                              stderr=subprocess.STDOUT)
    if proc.returncode != 0:
        with open(log_path) as log:
            out.append(''.join(log.readlines()[-40:]))
        out.append('dpkg-buildpackage failed (exit status %d): build/deb/build.log'
                   % proc.returncode)
        rc = 1
    else:
        changes = [f for f in os.listdir(work) if f.endswith('.changes')]
        debs = sorted(f for f in os.listdir(work) if f.endswith('.deb'))
        out.append('built: ' + ' '.join(debs))
        lint = subprocess.run(['lintian', '-EvIL', '+pedantic'] +
                              [os.path.join(work, c) for c in changes],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
        tags = [l for l in lint.stdout.splitlines() if re.match(r'[EWIPXO]: ', l)]
        bad = [l for l in tags if l[0] in 'EW']
        out.append('$ lintian -EvIL +pedantic %s: %d errors and warnings, '
                   '%d other tags' % (' '.join(changes), len(bad), len(tags) - len(bad)))
        out += ['  ' + l for l in tags]
        if bad or lint.returncode not in (0, 1) or not changes:
            rc = 1
        hard = subprocess.run(['blhc', log_path], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        out.append('$ blhc build/deb/build.log: exit status %d' % hard.returncode)
        if hard.stdout.strip():
            out.append(hard.stdout.rstrip())
        rc = rc or (1 if hard.returncode else 0)
    text = '\n'.join(out) + '\n'
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    print(text.rstrip())
    return rc


def _flag_line(output, name):
    """The compile line of `name` (e.g. flavor.os) in a build's output."""
    for line in output.splitlines():
        words = line.split()
        if len(words) > 2 and words[1] == '-o' and words[2].endswith('/' + name):
            return words
    return None


@records_verdict
def flags_check(target, source, env):
    """The packager's variables reach the compiler in a copy of the tree
    (build/flags/): from the environment, CFLAGS='-O0 -g0', CPPFLAGS and
    LDFLAGS='-Wl,-z,now' appear after the project's -O2 -g (so they win),
    without -Werror, and the library is linked with BIND_NOW; a name=value
    argument wins over the environment; CC from the environment is the
    configured compiler (scons -h). The log is target[0]."""
    top = env.Dir('#').abspath
    work = os.path.join(top, 'build', 'flags')
    shutil.rmtree(work, ignore_errors=True)
    copy_tracked(top, work)
    lib = env['FLAGS_LIB']
    out, problems = [], []

    def scons(args, extra_env):
        argv = ['scons', '-Q'] + args
        out.append('$ %s %s' % (' '.join('%s=%r' % kv for kv in sorted(extra_env.items())),
                                ' '.join(argv)))
        proc = subprocess.run(argv, cwd=work, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env=_clean_env(extra_env))
        if proc.returncode != 0:
            problems.append('scons failed:\n' + proc.stdout)
        return proc.stdout

    got = scons([lib], {'CFLAGS': '-O0 -g0', 'CPPFLAGS': '-DRCUSLOT_FLAGS_PROBE',
                        'LDFLAGS': '-Wl,-z,now'})
    cc = _flag_line(got, 'flavor.os')
    out.append('  ' + ' '.join(cc or ['(no compile line for flavor.os)']))
    if not cc:
        problems.append('no compile line for flavor.os')
    else:
        def last(flag):
            return max([i for i, w in enumerate(cc) if w == flag] or [-1])
        if not last('-O0') > last('-O2') >= 0:
            problems.append('CFLAGS -O0 does not come after the default -O2')
        if not last('-g0') > last('-g') >= 0:
            problems.append('CFLAGS -g0 does not come after the default -g')
        if '-DRCUSLOT_FLAGS_PROBE' not in cc:
            problems.append('CPPFLAGS did not reach the compiler')
        if '-Werror' in cc:
            problems.append('-Werror in a plain build')
        if not any(w.startswith('-ffile-prefix-map=') for w in cc):
            problems.append('no -ffile-prefix-map')
    dyn = subprocess.run(['readelf', '-d', os.path.join(work, lib)],
                         stdout=subprocess.PIPE, text=True).stdout
    if 'BIND_NOW' not in dyn:
        problems.append('LDFLAGS -Wl,-z,now did not reach the link (no BIND_NOW)')
    got = scons([lib, 'CFLAGS=-O1'], {'CFLAGS': '-O3'})
    cc = _flag_line(got, 'flavor.os') or []
    out.append('  ' + ' '.join(cc))
    if '-O1' not in cc or '-O3' in cc:
        problems.append('the CFLAGS argument does not win over the environment')
    got = scons(['-h'], {'CC': 'clang'})
    m = re.search(r'^CC: .*\n(?:.*\n)*?\s+actual: (\S+)', got, re.M)
    out.append('  CC: actual: %s' % (m.group(1) if m else '?'))
    if not m or m.group(1) != 'clang':
        problems.append('CC from the environment is not the configured compiler')
    if not problems:
        shutil.rmtree(work, ignore_errors=True)
    lines = out + ['flags: FAILED: ' + p for p in problems]
    lines.append('flags: %s' % ('the packager\'s variables are honoured'
                                if not problems else '%d problems' % len(problems)))
    with open(target[0].abspath, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    print('\n'.join(lines) if problems else lines[-1])
    return 1 if problems else 0
