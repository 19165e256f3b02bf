#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Random robustness driver: start the binary the way libqtest does and send
it N random qtest lines (memory and MMIO accesses, RTAS calls with random
cells, TCE hypercalls with random arguments, test-device DMA) and QMP
commands (reset, queries, PHB device_add/device_del, dumpdtb).  Every request
must get a reply and the process must exit 0 on SIGTERM; run it against the
sanitizer build to catch memory errors:

    scripts/qtest-stress.py SEED COUNT build-san/qemu-system-ppc64 [--vfio] [--kernel-tce[=vfio]]

--vfio adds a vfio-soft-host (sPAPR TCE v2) and a vfio-pci on pci.0 (00:04.0,
an edu-compatible function whose BAR 0 gets random register writes, DMA
included); --kernel-tce starts with -accel qtest,kernel-tce=on (the kernel TCE
fast path stand-in).

It is a smoke test, not a fuzzer with coverage feedback (tests/fuzz/ will
hold libFuzzer targets).  Exit status 0: no problem seen.
"""
import socket, os, subprocess, json, random, sys, tempfile
seed=int(sys.argv[1]); n=int(sys.argv[2]); binary=sys.argv[3]
vfio='--vfio' in sys.argv[4:]; ktce='--kernel-tce' in sys.argv[4:]
klevel='vfio' if '--kernel-tce=vfio' in sys.argv[4:] else 'on'
ktce=ktce or klevel=='vfio'
random.seed(seed)
d=tempfile.mkdtemp(); qs=os.path.join(d,'q.sock'); ms=os.path.join(d,'m.sock')
l1=socket.socket(socket.AF_UNIX); l1.bind(qs); l1.listen(1)
l2=socket.socket(socket.AF_UNIX); l2.bind(ms); l2.listen(1)
# G_SLICE/G_DEBUG: GLib allocates with malloc so that LeakSanitizer sees
# leaked GLib allocations (the slice allocator hides them).
env=dict(os.environ, ASAN_OPTIONS='detect_leaks=1', UBSAN_OPTIONS='halt_on_error=1:abort_on_error=1',
         G_SLICE='always-malloc', G_DEBUG='gc-friendly')
p=subprocess.Popen([binary,'-qtest','unix:'+qs,'-qtest-log','/dev/null','-chardev','socket,path='+ms+',id=char0','-mon','chardev=char0,mode=control','-display','none','-machine','pseries','-accel','qtest,kernel-tce='+klevel if ktce else 'qtest']+(['-object','vfio-soft-host,id=h0,iommu-type=spapr-tce-v2','-device','vfio-pci,soft-host=h0,bus=pci.0,addr=4'] if vfio else [])+['-device','iommu-testdev,bus=pci.0,addr=2','-device','spapr-pci-host-bridge,index=1,id=phb1','-device','iommu-testdev,bus=phb1.0,addr=3'],env=env,stderr=subprocess.PIPE)
q,_=l1.accept(); m,_=l2.accept()
qf=q.makefile('rw'); mf=m.makefile('rw')
mf.readline(); mf.write('{"execute":"qmp_capabilities"}\n'); mf.flush(); mf.readline()
def qt(line):
    qf.write(line+'\n'); qf.flush(); r=qf.readline()
    if not r: raise SystemExit('server died on: '+line)
    return r.strip()
def rnd64():
    return random.choice([0,1,2,3,0xfff,0x1000,0x80000000,0x80000001,0x80000100,0x80000101,0xffffffff,1<<59,(1<<59)+0x10000,(1<<64)-1,(1<<63),random.getrandbits(64),random.getrandbits(32),random.getrandbits(12)<<12|random.getrandbits(2)])
addrs=[lambda: random.getrandbits(30), lambda:(1<<45)+0x80000000+random.getrandbits(14), lambda:(1<<45)+random.getrandbits(17), lambda:(1<<45)+(2<<31)+0x80000000+random.getrandbits(14), lambda:(1<<45)+(1<<40)+random.getrandbits(20), lambda: rnd64()]
rtas=['ibm,query-pe-dma-window','ibm,create-pe-dma-window','ibm,remove-pe-dma-window','ibm,reset-pe-dma-window','ibm,read-pci-config','ibm,write-pci-config','read-pci-config','write-pci-config','get-time-of-day']
hc=['H_PUT_TCE','H_GET_TCE','H_STUFF_TCE','H_PUT_TCE_INDIRECT','KVMPPC_H_RTAS']
def cfgw(addr,size,val):
    for j,c in enumerate([addr,0x08000000,0x20000000,size,val]): qt('writel 0x%x 0x%x'%(0x100000+4*j,c))
    qt('rtas ibm,write-pci-config 5 0x100000 1 0x101000')
edu=(1<<45)+0x90000000     # BAR 0 of the vfio-pci function, with --vfio
if vfio:
    cfgw(0x2010,4,0x90000000); cfgw(0x2004,2,6)
for i in range(n):
    k=random.random()
    if k<0.3:
        v=random.choice(['readb','readw','readl','readq','writeb','writew','writel','writeq'])
        a=random.choice(addrs)()
        qt('%s 0x%x%s'%(v,a,'' if v.startswith('read') else ' 0x%x'%rnd64()))
    elif k<0.55:
        name=random.choice(rtas); nargs=random.choice([0,1,2,3,4,5,6]); nret=random.choice([0,1,2,4,5,6])
        cells=[random.choice([0x1000,0x1004,0x1010,0x1800,0x08000000,0x20000000,0x20000001,12,16,21,24,30,40,47,63,64,0x80000000,0x80000001,0x80000101,random.getrandbits(32)]) for _ in range(nargs)]
        for j,c in enumerate(cells): qt('writel 0x%x 0x%x'%(0x100000+4*j,c))
        qt('rtas %s %d 0x100000 %d 0x101000'%(name,nargs,nret))
    elif k<0.85:
        h=random.choice(hc); na=random.randint(0,5)
        args=[random.choice([0x80000000,0x80000001,0x80000100,0x80000101,rnd64()])]+[random.choice([rnd64(),0x100000,0x200000|3,(1<<59)+random.getrandbits(20)]) for _ in range(na)]
        qt('hcall %s %s'%(h,' '.join('0x%x'%x for x in args[:na+1])))
    elif vfio and k<0.9:
        reg=random.choice([0,4,8,0x20,0x24,0x60,0x64,0x80,0x84,0x88,0x8c,0x90,0x94,0x98,0x9c,random.getrandbits(20)&~3])
        val=random.choice([0,1,3,5,7,0x40000,0x40ff0,0x41000,0x5000,0x6000,16,4096,4097,random.getrandbits(32)])
        qt('writel 0x%x 0x%x'%(edu+reg,int.from_bytes(val.to_bytes(4,'little'),'big')))
        if random.random()<0.3: qt('readl 0x%x'%(edu+random.choice([0,4,8,0x20,0x98])))
    elif k<0.95:
        # testdev DMA
        base=(1<<45)+0x80000000
        for reg,val in [(0x8,random.getrandbits(32)),(0xc,random.choice([0,0x08000000,random.getrandbits(32)])),(0x10,random.choice([0,1,4,4096,4097,random.getrandbits(32)])),(0x14,random.choice([1,2,3,0]))]:
            qt('writel 0x%x 0x%x'%(base+reg,int.from_bytes(val.to_bytes(4,'little'),'big')))
    else:
        cmd=random.choice(['{"execute":"system_reset"}','{"execute":"x-query-spapr-tce","arguments":{"entries":true}}','{"execute":"human-monitor-command","arguments":{"command-line":"info mtree"}}','{"execute":"device_del","arguments":{"id":"phb1"}}','{"execute":"device_add","arguments":{"driver":"spapr-pci-host-bridge","index":1,"id":"phb1"}}','{"execute":"dumpdtb","arguments":{"filename":"/tmp/fz.dtb"}}'])
        mf.write(cmd+'\n'); mf.flush()
        while True:
            r=mf.readline()
            if not r: raise SystemExit('QMP died on '+cmd)
            if '"event"' not in r: break
p.terminate()
_, err = p.communicate()
err = err.decode(errors='replace')
bad = (p.returncode != 0 or 'ERROR: AddressSanitizer' in err or
       'ERROR: LeakSanitizer' in err or 'runtime error' in err)
print('seed %d: %d requests, exit status %d%s' % (seed, n, p.returncode,
      ', sanitizer report:\n' + err if bad else ''))
sys.exit(1 if bad else 0)
