"""Prints two lines: the folder under the install prefix (argv[1]) where this Python (GNU Radio's)
finds packages, and 1 if it searches that folder, else 0. The user base (~/.local) gives the user
site-packages; a prefix with one of the interpreter's own site folders (/usr/local on Debian) gives
that folder; any other prefix gets lib/pythonX.Y/site-packages, which then needs PYTHONPATH."""
import os
import site
import sys

prefix = os.path.abspath(os.path.expanduser(sys.argv[1]))
user_base = os.path.abspath(site.getuserbase())
if prefix == user_base:
    found = site.getusersitepackages()
    print(found)
    print(1 if site.ENABLE_USER_SITE else 0)
    sys.exit(0)
under = [p for p in site.getsitepackages() if os.path.dirname(os.path.dirname(os.path.dirname(p))) == prefix]
if under:
    print(under[0])
    print(1)
else:
    d = os.path.join(prefix, "lib", "python%d.%d" % sys.version_info[:2], "site-packages")
    print(d)
    print(1 if os.path.abspath(d) in (os.path.abspath(p) for p in sys.path) else 0)
