#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Writes the seed corpora of tests/fuzz/corpus/<target>/ (small, valid
# requests the fuzzers mutate).  Run from anywhere; rewrites the files.
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
BUID_HI, BUID_LO = 0x08000000, 0x20000000


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data if isinstance(data, bytes) else data.encode())


# --- fuzz-qtest: qtest lines ---
write('fuzz-qtest', 'memory', 'writel 0x1000 0x12345678\nreadl 0x1000\n'
      'read 0x1000 4\nwrite 0x2000 2 0xabcd\nb64write 0x3000 4 AAECAw==\n'
      'b64read 0x3000 4\nmemset 0x4000 16 0x5a\nreadq 0x4000\n')
write('fuzz-qtest', 'clock', 'clock_step\nclock_step 1000\nclock_set 5000\n'
      'endianness\n')
write('fuzz-qtest', 'ddw', 'writel 0x100000 0x1000\nwritel 0x100004 0x8000000\n'
      'writel 0x100008 0x20000000\nwritel 0x10000c 0x10\n'
      'writel 0x100010 0x20\n'
      'rtas ibm,create-pe-dma-window 5 0x100000 4 0x101000\n'
      'rtas ibm,query-pe-dma-window 3 0x100000 6 0x101000\n'
      'readl 0x101004\n')
write('fuzz-qtest', 'tce', 'hcall H_PUT_TCE 0x80000000 0x8000 0x300003\n'
      'hcall H_GET_TCE 0x80000000 0x8000\n'
      'hcall H_STUFF_TCE 0x80000000 0x0 0x3 16\n'
      'writeq 0x200000 0x400003\n'
      'hcall H_PUT_TCE_INDIRECT 0x80000000 0x10000 0x200000 1\n')
write('fuzz-qtest', 'bad', 'readl\nwritel 0x1000\nread 0xffffffffffffffff 8\n'
      'rtas nosuch 0 0 1 0\nhcall\nhcall 0x20 1 2 3 4 5 6 7 8 9 10\n')


# --- fuzz-rtas: u8 index (0xff: u32 raw token), u8 nargs, u8 nret, cells ---
def rtas(token, args, nret):
    return (bytes([0xff]) + struct.pack('>I', token) +
            bytes([len(args), nret]) + b''.join(struct.pack('>I', a)
                                                 for a in args))


QUERY, CREATE, REMOVE, RESET = 0x2026, 0x2027, 0x2028, 0x2029
write('fuzz-rtas', 'ddw-life',
      rtas(QUERY, [0x1000, BUID_HI, BUID_LO], 6) +
      rtas(CREATE, [0x1000, BUID_HI, BUID_LO, 16, 30], 4) +
      rtas(REMOVE, [0x80000000], 1) +
      rtas(CREATE, [0x1000, BUID_HI, BUID_LO, 12, 28], 4) +
      rtas(RESET, [0x1000, BUID_HI, BUID_LO], 1))
write('fuzz-rtas', 'ddw-phb1',
      rtas(CREATE, [0, BUID_HI, BUID_LO + 1, 21, 40], 4) +
      rtas(REMOVE, [0x80000101], 1) + rtas(REMOVE, [0x80000100], 1))
write('fuzz-rtas', 'pci-config',
      rtas(0x2016, [0x1800, BUID_HI, BUID_LO, 4], 2) +
      rtas(0x2017, [0x1810, BUID_HI, BUID_LO, 4, 0x80000000], 1) +
      rtas(0x2014, [0x1800, 4], 2) + rtas(0x2015, [0x1804, 2, 6], 1))
write('fuzz-rtas', 'hotplug',
      rtas(0x201d, [9003, 0x40000018], 2) +
      rtas(0x201a, [9001, 0x40000018, 1], 1) +
      rtas(0x201e, [0x700000, 0], 1) +
      rtas(0x201a, [9001, 0x40000018, 0], 1) +
      rtas(0x200e, [0, 0, 0, 0, 0x700000, 0x400, 0], 1) +
      rtas(0x200f, [0, 0x700000, 0x400], 1) + rtas(0x2001, [], 8))


# --- fuzz-hcall: u8 sel < 0x80 + 4 x u64, or u8 >= 0x80, u8 page, 8 x u64 ---
# The registered opcodes sorted: 0x1c GET, 0x20 PUT, 0x138 STUFF,
# 0x13c INDIRECT, 0xf000 KVMPPC_H_RTAS -> indices 0..4.
def hcall(idx, *args):
    args = list(args) + [0] * (4 - len(args))
    return bytes([idx]) + b''.join(struct.pack('>Q', a) for a in args)


def tcelist(page, tces):
    tces = list(tces) + [0] * (8 - len(tces))
    return bytes([0x80, page]) + b''.join(struct.pack('>Q', t) for t in tces)


DEF, DDW = 0x80000000, 0x80000001
write('fuzz-hcall', 'put-get', hcall(1, DEF, 0x8000, 0x300003) +
      hcall(0, DEF, 0x8000) + hcall(1, DEF, 0x8000, 0))
write('fuzz-hcall', 'ddw', hcall(1, DDW, 1 << 59, 0x1000003) +
      hcall(0, DDW, 1 << 59) + hcall(2, DDW, 1 << 59, 0x2000001, 64))
write('fuzz-hcall', 'indirect', tcelist(0, [0x400003, 0x401001, 0x402002]) +
      hcall(3, DEF, 0x10000, 0x200000, 3) +
      hcall(3, DDW, (1 << 59) + 0x10000, 0x200000, 3))
write('fuzz-hcall', 'stuff', hcall(2, DEF, 0, 0x500003, 512) +
      hcall(2, DEF, 0, 0, 512) + hcall(2, DEF, 0x3ff000, 3, 2))

# --- fuzz-qmp: QMP input ---
write('fuzz-qmp', 'query', '{"execute": "query-status"}'
      '{"execute": "query-pci"} {"execute": "x-query-vfio"}')
write('fuzz-qmp', 'tce', '{"execute": "x-query-spapr-tce", "arguments": '
      '{"liobn": 2147483648}}{"execute": "x-query-vfio-soft", "arguments": '
      '{"id": "h0"}}')
write('fuzz-qmp', 'qom', '{"execute": "qom-get", "arguments": {"path": '
      '"/machine", "property": "type"}, "id": [1, 2.5, null, true]}'
      '{"execute": "qom-list", "arguments": {"path": "/objects"}}')
write('fuzz-qmp', 'device', '{"execute": "device_add", "arguments": '
      '{"driver": "vfio-pci", "soft-host": "h0", "bus": "pci.0", '
      '"addr": "5", "id": "f1"}}{"execute": "device_del", "arguments": '
      '{"id": "f1"}}')
write('fuzz-qmp', 'fault', '{"execute": "x-vfio-soft-fault", "arguments": '
      '{"id": "h0", "op": "map", "nth": 1, "errno": "ENOSPC"}}')
write('fuzz-qmp', 'hmp', '{"execute": "human-monitor-command", "arguments": '
      '{"command-line": "info tce"}}')
write('fuzz-qmp', 'odd', "{'execute': 'query-version', 'id': "
      "18446744073709551615} [1e400, -0.0, \"a\\u00e9\"] {\"x\":")

# --- fuzz-props: u8 kind, then TYPE's property text ---
write('fuzz-props', 'soft-host', b'\x00id=f0,iommu-type=spapr-tce-v2,'
      b'pgsizes=4K:64K,max-window=1T,levels=3')
write('fuzz-props', 'soft-type1', b'\x00id=f1,iommu-type=type1v2,'
      b'iova-ranges=0-0xfedfffff:0xfef00000-0xffffffffffff,'
      b'dma-entry-limit=10,fail=map:2:ENOSPC')
write('fuzz-props', 'vfio-pci', b'\x01soft-host=h0,bus=pci.0,addr=6,group=3')
write('fuzz-props', 'phb', b'\x02index=3,ddw=on,dma_win_addr=0x10000000,'
      b'dma_win_size=0x20000000,pgsz=0x1011000')
write('fuzz-props', 'testdev', b'\x03bus=phb1.0,addr=0x4.0,id=t')
