"""Build helpers for packaging/SConscript: pkg-config files, uninstall, and
the consumer tests that use an installed kit the way another project would.
"""

import os
import shutil
import subprocess
import sys
import tempfile

from rcuslot_check import records_verdict

# The pkg-config files: rcuslot.pc (the default flavor, memb, without a
# -DRCUSLOT_FLAVOR) and one rcuslot-<flavor>.pc per flavor.
DEFAULT_FLAVOR = 'memb'


def pc_modules(flavors):
    """[(module name, flavor, extra Cflags)] for every .pc file."""
    mods = [('rcuslot', DEFAULT_FLAVOR, '')]
    mods += [('rcuslot-' + f, f, ' -DRCUSLOT_FLAVOR=' + f) for f in flavors]
    return mods


def subst_dict(module, flavor, cflags, prefix, libdir, version):
    return {
        '@PREFIX@': prefix,
        '@LIBDIR@': libdir,
        '@MODULE@': module,
        '@FLAVOR@': flavor,
        '@FLAVOR_CFLAGS@': cflags,
        '@VERSION@': version,
    }


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


def _run(argv, env, out):
    proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True)
    out.append('$ %s\n%s' % (' '.join(argv), proc.stdout.rstrip()))
    return proc.returncode, proc.stdout.strip()


@records_verdict
def check_layout(target, source, env):
    """Check installed trees: CHECK_TREES is [(root, prefix, files)], root
    being DESTDIR + prefix. Every file must be there; every .pc must pass
    pkg-config --validate and carry the unstaged prefix and the version;
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
    text = '\n'.join(out + errors) + '\n'
    with open(target[0].abspath, 'w') as f:
        f.write(text)
    if errors:
        print('==> FAILED: installed layout\n  ' + '\n  '.join(errors))
        return 1
    print('==> installed layout: %d trees checked' % len(env['CHECK_TREES']))
    return 0
