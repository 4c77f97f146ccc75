"""GDAL for files from outside: no network in this process, and only the drivers a caller names.

GDAL chooses a driver from a file's content and then does what the file says: an OGR VRT
reads any file or URL it names (a CSV, the SQLite database with every town's password
hashes), a GeoJSON "crs" link is fetched, a /vsicurl/ path is a request to any host. Hence:

* `gdal_network_off()`, run once per process by CoreConfig.ready(). Measured on Debian 12's
  GDAL 3.6.2 (commune/core/tests/test_gdal_safety.py): no configuration option alone stops
  the network. CPL_VSIL_CURL_ALLOWED_EXTENSIONS set to an extension no file has stops the
  curl file systems from opening a file, but /vsiswift/ still lists a folder; the HTTP client
  behind http:// datasets, WFS:, OAPIF: and CRS links has no switch at all; GDAL_HTTP_PROXY
  to a dead port is bypassed by NO_PROXY. So every file system other than the local ones is
  replaced by one that refuses every path (VSIInstallPluginHandler, GDAL >= 3.0), the HTTP
  client answers every request with an error (CPLHTTPSetFetchCallback, GDAL >= 3.2), PROJ's
  network is off, and the option above is set too, for the GDAL tools a child process runs.
* `vector_open(path, drivers=[...], siblings=[...])`: GDALOpenEx with the list of allowed
  drivers and of the files beside it, on a plain local path (never a /vsi… one). Django's
  DataSource offers neither list, and checking `source.driver` afterwards is too late: a VRT
  has read its sources when it is opened.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Sequence
from pathlib import Path

from django.contrib.gis.gdal import DataSource, Driver, GDALException
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as capi
from django.utils.encoding import force_bytes

#: File systems that read only this machine's files and memory; every other prefix GDAL knows
#: (/vsicurl/, /vsis3/, /vsigs/, /vsiaz/, /vsiadls/, /vsioss/, /vsiswift/, /vsiwebhdfs/, their
#: _streaming variants, and any a later GDAL adds) is replaced by a refusal.
LOCAL_FILE_SYSTEMS = frozenset(
    {
        "/vsimem/",
        "/vsizip/",
        "/vsigzip/",
        "/vsitar/",
        "/vsisubfile/",
        "/vsisparse/",
        "/vsicrypt/",
        "/vsistdin/",
        "/vsistdin?",
        "/vsistdout/",
        "/vsistdout_redirect/",
    }
)
#: For GDAL in child processes (they read the environment): no curl file system opens a file.
ENVIRONMENT = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".network-access-is-disabled",
    "PROJ_NETWORK": "OFF",
}
REFUSAL = b"network access is disabled in commune (commune/core/gdal_safety.py)"

_StatCallback = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_void_p, ctypes.c_int
)
_ReadDirCallback = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int)
_OpenCallback = ctypes.CFUNCTYPE(ctypes.c_void_p, ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p)
_FetchCallback = ctypes.CFUNCTYPE(ctypes.c_void_p, *[ctypes.c_void_p] * 7)


class _PluginCallbacks(ctypes.Structure):
    """The leading fields of VSIFilesystemPluginCallbacksStruct (cpl_vsi.h, unchanged since
    GDAL 3.0). GDAL allocates the whole struct; only these are written."""

    _fields_ = [
        ("pUserData", ctypes.c_void_p),
        ("stat", _StatCallback),
        ("unlink", ctypes.c_void_p),
        ("rename", ctypes.c_void_p),
        ("mkdir", ctypes.c_void_p),
        ("rmdir", ctypes.c_void_p),
        ("read_dir", _ReadDirCallback),
        ("open", _OpenCallback),
    ]


class _HTTPResult(ctypes.Structure):
    """CPLHTTPResult (cpl_http.h); GDAL frees it with CPLHTTPDestroyResult."""

    _fields_ = [
        ("nStatus", ctypes.c_int),
        ("pszContentType", ctypes.c_void_p),
        ("pszErrBuf", ctypes.c_void_p),
        ("nDataLen", ctypes.c_int),
        ("nDataAlloc", ctypes.c_int),
        ("pabyData", ctypes.c_void_p),
        ("papszHeaders", ctypes.c_void_p),
        ("nMimePartCount", ctypes.c_int),
        ("pasMimePart", ctypes.c_void_p),
    ]


# Our own handle on the library: setting argtypes on Django's `lgdal` functions would change
# them for Django's prototypes too.
_gdal = ctypes.CDLL(lgdal._name)


def _function(name: str, restype, *argtypes):
    function = getattr(_gdal, name)
    function.restype = restype
    function.argtypes = list(argtypes)
    return function


def _refuse_stat(user_data, filename, stat_buffer, flags) -> int:
    return -1


def _refuse_open(user_data, filename, access) -> None:
    return None


def _refuse_fetch(*args) -> int:
    """An HTTP result that says the request failed, allocated by GDAL, which frees it."""
    address = _calloc(1, ctypes.sizeof(_HTTPResult))
    result = _HTTPResult.from_address(address)
    result.nStatus = 1
    result.pszErrBuf = _strdup(REFUSAL)
    return address


_calloc = _function("VSICalloc", ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t)
_strdup = _function("CPLStrdup", ctypes.c_void_p, ctypes.c_char_p)


# GDAL keeps pointers to these for the life of the process.
_CALLBACKS = {
    "stat": _StatCallback(_refuse_stat),
    "open": _OpenCallback(_refuse_open),
    "fetch": _FetchCallback(_refuse_fetch),
}
_state = {"off": False}


def file_system_prefixes() -> list[str]:
    """The prefixes of the virtual file systems GDAL has installed."""
    listing = _function("VSIGetFileSystemsPrefixes", ctypes.POINTER(ctypes.c_char_p))()
    prefixes, index = [], 0
    while listing[index]:
        prefixes.append(listing[index].decode())
        index += 1
    _function("CSLDestroy", None, ctypes.POINTER(ctypes.c_char_p))(listing)
    return prefixes


def gdal_network_off() -> None:
    """Make GDAL unable to reach the network from this process (idempotent)."""
    if _state["off"]:
        return
    for name, value in ENVIRONMENT.items():
        os.environ[name] = value
        _function("CPLSetConfigOption", None, ctypes.c_char_p, ctypes.c_char_p)(
            name.encode(), value.encode()
        )
    for prefix in file_system_prefixes():
        if prefix not in LOCAL_FILE_SYSTEMS:
            _install_refusal(prefix)
    _function("CPLHTTPSetFetchCallback", None, _FetchCallback, ctypes.c_void_p)(
        _CALLBACKS["fetch"], None
    )
    _function("OSRSetPROJEnableNetwork", ctypes.c_int, ctypes.c_int)(0)
    _state["off"] = True


def _install_refusal(prefix: str) -> None:
    allocate = _function("VSIAllocFilesystemPluginCallbacksStruct", ctypes.c_void_p)
    address = allocate()
    callbacks = _PluginCallbacks.from_address(address)
    callbacks.stat = _CALLBACKS["stat"]
    callbacks.open = _CALLBACKS["open"]
    install = _function("VSIInstallPluginHandler", ctypes.c_int, ctypes.c_char_p, ctypes.c_void_p)
    install(prefix.encode(), address)  # GDAL copies the struct
    _function("VSIFreeFilesystemPluginCallbacksStruct", None, ctypes.c_void_p)(address)


def vector_open(path: Path, *, drivers: Sequence[str], siblings: Sequence[str]) -> DataSource:
    """Open the vector file at `path` (absolute, local) with one of `drivers` only, telling
    GDAL that the files beside it are `siblings` (their names: GDAL then lists no folder and
    looks for no other file). Raises GDALException when no allowed driver opens it."""
    name = str(path)
    if not Path(name).is_absolute() or name.startswith("/vsi") or "\x00" in name:
        raise GDALException(f"not a plain local path: {name!r}")
    Driver.ensure_registered()
    pointer = capi.open_ds(
        force_bytes(name),
        capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR,
        _string_list(drivers),
        None,
        _string_list(siblings),
    )
    return DataSource(pointer, capi.get_dataset_driver(pointer))


def _string_list(items: Sequence[str]):
    """A NULL-terminated char** for GDAL."""
    array = (ctypes.c_char_p * (len(items) + 1))()
    array[:-1] = [force_bytes(item) for item in items]
    array[-1] = None
    return array
