/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vfio-pci: an assigned PCI function through VFIODeviceOps and a container. */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "hw/qdev-properties.h"
#include "hw/vfio/vfio-pci.h"
#include "migration/migration.h"
#include "trace.h"

/* Header bytes copied from the device at realize (the rest is the core's). */
static const struct {
    uint32_t addr, len;
} vfio_pci_id_regs[] = {
    { PCI_VENDOR_ID, 4 },               /* vendor, device */
    { PCI_REVISION_ID, 4 },             /* revision, class */
    { PCI_SUBSYSTEM_VENDOR_ID, 4 },     /* subsystem vendor, subsystem */
};

/* The first config byte the device itself answers for. */
#define VFIO_PCI_DEVICE_CONFIG  0x40

/* ---- BARs: MMIO regions whose accesses are region reads and writes ---- */

/* A load from a mapped BAR: one access of @size bytes, PCI byte order. */
static uint64_t vfio_pci_bar_load(VFIOPCIBar *bar, hwaddr addr, unsigned size)
{
    volatile void *p = (uint8_t *)bar->mmap + addr;

    switch (size) {
    case 1:
        return *(volatile uint8_t *)p;
    case 2:
        return GUINT16_FROM_LE(*(volatile uint16_t *)p);
    case 4:
        return GUINT32_FROM_LE(*(volatile uint32_t *)p);
    default:
        return GUINT64_FROM_LE(*(volatile uint64_t *)p);
    }
}

static void vfio_pci_bar_store(VFIOPCIBar *bar, hwaddr addr, uint64_t val,
                               unsigned size)
{
    volatile void *p = (uint8_t *)bar->mmap + addr;

    switch (size) {
    case 1:
        *(volatile uint8_t *)p = val;
        break;
    case 2:
        *(volatile uint16_t *)p = GUINT16_TO_LE(val);
        break;
    case 4:
        *(volatile uint32_t *)p = GUINT32_TO_LE(val);
        break;
    default:
        *(volatile uint64_t *)p = GUINT64_TO_LE(val);
    }
}

static uint64_t vfio_pci_bar_read(void *opaque, hwaddr addr, unsigned size)
{
    VFIOPCIBar *bar = opaque;
    uint64_t val = 0;
    ssize_t ret;

    if (bar->mmap && !(addr & (size - 1))) {
        val = vfio_pci_bar_load(bar, addr, size);
        trace_vfio_pci_bar_read(bar->index, addr, size, val);
        return val;
    }

    ret = vfio_device_region_read(bar->vdev->device, bar->index, addr, &val,
                                  size);
    if (ret != size) {
        /* A failed read of a PCI device returns all ones. */
        trace_vfio_pci_bar_error(bar->index, addr, size, (int)ret);
        return size == 8 ? UINT64_MAX : (1ULL << (8 * size)) - 1;
    }
    val = GUINT64_FROM_LE(val);
    trace_vfio_pci_bar_read(bar->index, addr, size, val);
    return val;
}

static void vfio_pci_bar_write(void *opaque, hwaddr addr, uint64_t val,
                               unsigned size)
{
    VFIOPCIBar *bar = opaque;
    uint64_t le = GUINT64_TO_LE(val);
    ssize_t ret;

    trace_vfio_pci_bar_write(bar->index, addr, size, val);
    if (bar->mmap && !(addr & (size - 1))) {
        vfio_pci_bar_store(bar, addr, val, size);
        return;
    }
    ret = vfio_device_region_write(bar->vdev->device, bar->index, addr, &le,
                                   size);
    if (ret != size) {
        trace_vfio_pci_bar_error(bar->index, addr, size, (int)ret);
    }
}

/* Little-endian: the bytes go to the region in PCI order. */
static const MemoryRegionOps vfio_pci_bar_ops = {
    .read = vfio_pci_bar_read,
    .write = vfio_pci_bar_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 8 },
    .impl = { .min_access_size = 1, .max_access_size = 8 },
};

/* ---- Config space ---------------------------------------------------- */

static uint32_t vfio_pci_config_read(PCIDevice *pdev, uint32_t addr,
                                     uint32_t len)
{
    VFIOPCIDevice *v = VFIO_PCI(pdev);
    uint32_t val = 0;
    ssize_t ret;

    if (addr < VFIO_PCI_DEVICE_CONFIG) {
        return pci_default_read_config(pdev, addr, len);
    }
    ret = vfio_device_region_read(v->device, VFIO_PCI_CONFIG_REGION_INDEX,
                                  addr, &val, len);
    if (ret != len) {
        trace_vfio_pci_config_error(addr, len, (int)ret);
        return len == 4 ? UINT32_MAX : (1u << (8 * len)) - 1;
    }
    return GUINT32_FROM_LE(val);
}

static void vfio_pci_config_write(PCIDevice *pdev, uint32_t addr,
                                  uint32_t val, uint32_t len)
{
    VFIOPCIDevice *v = VFIO_PCI(pdev);
    uint32_t le;
    ssize_t ret;

    if (addr >= VFIO_PCI_DEVICE_CONFIG) {
        le = GUINT32_TO_LE(val);
        ret = vfio_device_region_write(v->device, VFIO_PCI_CONFIG_REGION_INDEX,
                                       addr, &le, len);
        if (ret != len) {
            trace_vfio_pci_config_error(addr, len, (int)ret);
        }
        return;
    }
    pci_default_write_config(pdev, addr, val, len);
    /* The command register reaches the device (bus mastering); BAR and
     * ROM address registers never do. */
    if (addr < PCI_COMMAND + 2 && addr + len > PCI_COMMAND) {
        uint16_t cmd = GUINT16_TO_LE(pci_get_word(pdev->config + PCI_COMMAND));

        ret = vfio_device_region_write(v->device, VFIO_PCI_CONFIG_REGION_INDEX,
                                       PCI_COMMAND, &cmd, 2);
        if (ret != 2) {
            trace_vfio_pci_config_error(PCI_COMMAND, 2, (int)ret);
        }
        trace_vfio_pci_command(pci_get_word(pdev->config + PCI_COMMAND));
    }
}

/* ---- Realize / exit / reset ------------------------------------------ */

/* The next group number no group uses (soft host without group=). */
static int vfio_pci_free_group(void)
{
    static int next = 1;

    while (vfio_group_find(next)) {
        next++;
    }
    return next++;
}

static bool vfio_pci_open_soft(VFIOPCIDevice *v, Error **errp)
{
    AddressSpace *as = pci_device_iommu_address_space(PCI_DEVICE(v));
    int groupid = v->group >= 0 ? v->group : vfio_pci_free_group();

    v->vgroup = vfio_group_get(groupid, as, &vfio_soft_host_ops, v->soft_host,
                               errp);
    if (!v->vgroup) {
        return false;
    }
    v->group = groupid;
    v->edu = vfio_soft_edu_new(NULL);
    v->device = vfio_soft_edu_device(v->edu);
    vfio_soft_edu_set_iommu(v->edu,
                            vfio_soft_host_get_soft(v->vgroup->container->iommu));
    return true;
}

/*
 * host= / sysfsdev=: /dev/vfio, the sysfs look-up, the group (viable), its
 * container, then the device fd.  Errors name the device.
 */
static bool vfio_pci_open_linux(VFIOPCIDevice *v, Error **errp)
{
    AddressSpace *as = pci_device_iommu_address_space(PCI_DEVICE(v));
    VFIOLinuxHost *h = vfio_linux_host();
    g_autofree char *who = g_strdup_printf("vfio-pci: %s=%s",
                                           v->host ? "host" : "sysfsdev",
                                           v->host ? v->host : v->sysfsdev);
    g_autofree char *name = NULL;
    int groupid;

    if (!vfio_linux_host_check(h, who, errp) ||
        !vfio_linux_resolve(v->host, v->host ? NULL : v->sysfsdev, who,
                            &name, &groupid, errp) ||
        !vfio_linux_group_open(h, groupid, who, errp)) {
        return false;
    }
    v->vgroup = vfio_group_get(groupid, as, &vfio_linux_host_ops, h, errp);
    if (!v->vgroup) {
        error_prepend(errp, "%s: ", who);
        vfio_linux_group_close(h, groupid);
        return false;
    }
    v->linux_host = h;
    v->group = groupid;
    v->device = vfio_linux_group_get_device(h, groupid, name, who, errp);
    return v->device != NULL;   /* the caller closes what is open */
}

static void vfio_pci_close(VFIOPCIDevice *v)
{
    if (v->edu) {
        vfio_soft_edu_set_iommu(v->edu, NULL);
        v->edu = NULL;
    }
    for (unsigned i = 0; i < VFIO_PCI_NUM_BARS; i++) {
        if (v->bars[i].mmap) {
            vfio_device_region_munmap(v->device, v->bars[i].mmap,
                                      v->bars[i].size);
            v->bars[i].mmap = NULL;
        }
    }
    vfio_device_release(v->device);
    v->device = NULL;
    if (v->vgroup) {
        v->vgroup->devices = g_list_remove(v->vgroup->devices, v);
        vfio_group_put(v->vgroup);
        v->vgroup = NULL;
    }
    if (v->linux_host) {
        /* after the device fd and the container: the group fd goes last */
        vfio_linux_group_close(v->linux_host, v->group);
        v->linux_host = NULL;
    }
}

/* Copy the identity, register a MMIO region for each BAR the device has. */
static bool vfio_pci_setup(VFIOPCIDevice *v, Error **errp)
{
    PCIDevice *pdev = PCI_DEVICE(v);
    uint8_t hdr[VFIO_PCI_DEVICE_CONFIG];
    ssize_t ret;
    int err;

    err = vfio_device_get_info(v->device, &v->info);
    if (err < 0 || !(v->info.flags & VFIO_DEVICE_FLAGS_PCI) ||
        v->info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX) {
        error_setg(errp, "vfio-pci: the device is not a vfio-pci device "
                   "(flags 0x%x, %u regions)", v->info.flags,
                   v->info.num_regions);
        return false;
    }
    ret = vfio_device_region_read(v->device, VFIO_PCI_CONFIG_REGION_INDEX, 0,
                                  hdr, sizeof(hdr));
    if (ret != sizeof(hdr)) {
        error_setg_errno(errp, ret < 0 ? -ret : EIO, "vfio-pci: reading the "
                         "device's config space");
        return false;
    }
    for (unsigned i = 0; i < G_N_ELEMENTS(vfio_pci_id_regs); i++) {
        memcpy(pdev->config + vfio_pci_id_regs[i].addr,
               hdr + vfio_pci_id_regs[i].addr, vfio_pci_id_regs[i].len);
    }
    for (uint32_t i = 0; i < VFIO_PCI_NUM_BARS; i++) {
        VFIOPCIBar *bar = &v->bars[i];
        uint32_t reg = pci_get_long(hdr + PCI_BASE_ADDRESS_0 + 4 * i);
        VFIORegionInfo info;
        g_autofree char *name = NULL;
        uint8_t type;

        if (vfio_device_region_info(v->device, i, &info) < 0 || !info.size) {
            continue;
        }
        if (info.size & (info.size - 1)) {
            error_setg(errp, "vfio-pci: BAR %u of the device has size 0x%"
                       PRIx64 ", not a power of two", i, info.size);
            return false;
        }
        type = reg & PCI_BASE_ADDRESS_SPACE_IO ?
            PCI_BASE_ADDRESS_SPACE_IO :
            reg & (PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
        bar->vdev = v;
        bar->index = i;
        bar->size = info.size;
        if ((info.flags & VFIO_REGION_INFO_FLAG_MMAP) &&
            !(type & PCI_BASE_ADDRESS_SPACE_IO) &&
            info.size >= (uint64_t)sysconf(_SC_PAGESIZE)) {
            err = vfio_device_region_mmap(v->device, i, 0, info.size,
                                          &bar->mmap);
            if (err) {
                bar->mmap = NULL;   /* region reads and writes instead */
            }
            trace_vfio_pci_bar_mmap(i, err);
        }
        name = g_strdup_printf("vfio-pci-bar%u", i);
        memory_region_init_io(&bar->mr, OBJECT(v), &vfio_pci_bar_ops, bar,
                              name, info.size);
        pci_register_bar(pdev, i, type, &bar->mr);
        trace_vfio_pci_bar(i, info.size, type);
        if (type & PCI_BASE_ADDRESS_MEM_TYPE_64) {
            i++;                        /* the upper half of this BAR */
        }
    }
    return true;
}

/* The BAR regions of a closed device (exit, or a realize that failed). */
static void vfio_pci_free_bars(VFIOPCIDevice *v)
{
    for (unsigned i = 0; i < VFIO_PCI_NUM_BARS; i++) {
        if (v->bars[i].size) {
            memory_region_finalize(&v->bars[i].mr);
            v->bars[i].size = 0;
        }
    }
}

static void vfio_pci_realize(PCIDevice *pdev, Error **errp)
{
    VFIOPCIDevice *v = VFIO_PCI(pdev);

    if (v->host || v->sysfsdev) {
        if (v->soft_host || (v->host && v->sysfsdev)) {
            error_setg(errp, "vfio-pci: host=, sysfsdev= and soft-host= "
                       "exclude each other");
            return;
        }
        if (!vfio_pci_open_linux(v, errp)) {
            vfio_pci_close(v);
            return;
        }
    } else if (!v->soft_host) {
        error_setg(errp, "vfio-pci: soft-host=ID (a vfio-soft-host object) "
                   "must be set");
        return;
    } else if (!vfio_pci_open_soft(v, errp)) {
        return;
    }
    if (!vfio_pci_setup(v, errp)) {
        vfio_pci_close(v);
        vfio_pci_free_bars(v);
        return;
    }
    v->vgroup->devices = g_list_append(v->vgroup->devices, v);
    if (v->linux_host) {
        /* QEMU's rule for a device behind a vIOMMU. */
        migrate_add_blocker(v, "Migration is currently not supported with "
                            "vIOMMU enabled");
    }
    trace_vfio_pci_realize(v->group, v->device->ops->name);
}

/* The PCI core has unmapped the BARs already: the regions can go. */
static void vfio_pci_exit(PCIDevice *pdev)
{
    VFIOPCIDevice *v = VFIO_PCI(pdev);

    trace_vfio_pci_exit(v->group);
    migrate_del_blocker(v);
    vfio_pci_close(v);
    vfio_pci_free_bars(v);
}

/* After the PCI core's reset of the emulated registers. */
static void vfio_pci_reset(PCIDevice *pdev)
{
    VFIOPCIDevice *v = VFIO_PCI(pdev);
    uint16_t cmd;
    int ret;

    if (!v->device) {
        return;
    }
    /*
     * The command register's reset value reaches the device too: one
     * without a reset of its own (no VFIO_DEVICE_FLAGS_RESET) would
     * otherwise finish a DMA started before the reset into whatever the
     * guest maps afterwards (tests/functional/vfio-real-test.c).
     */
    cmd = GUINT16_TO_LE(pci_get_word(pdev->config + PCI_COMMAND));
    if (vfio_device_region_write(v->device, VFIO_PCI_CONFIG_REGION_INDEX,
                                 PCI_COMMAND, &cmd, 2) != 2) {
        trace_vfio_pci_config_error(PCI_COMMAND, 2, -EIO);
    }
    if (!(v->info.flags & VFIO_DEVICE_FLAGS_RESET)) {
        return;
    }
    ret = vfio_device_reset(v->device);
    trace_vfio_pci_reset(v->group, ret);
}

static const Property vfio_pci_props[] = {
    DEFINE_PROP_LINK("soft-host", VFIOPCIDevice, soft_host,
                     TYPE_VFIO_SOFT_HOST, VFIOSoftHost),
    DEFINE_PROP_INT32("group", VFIOPCIDevice, group, -1),
    DEFINE_PROP_STRING("host", VFIOPCIDevice, host),
    DEFINE_PROP_STRING("sysfsdev", VFIOPCIDevice, sysfsdev),
};

static void vfio_pci_class_init(ObjectClass *oc, const void *data)
{
    DeviceClass *dc = DEVICE_CLASS(oc);
    PCIDeviceClass *pc = PCI_DEVICE_CLASS(oc);

    dc->desc = "VFIO-based PCI device assignment";
    dc->user_creatable = true;
    device_class_set_props(dc, vfio_pci_props);
    pc->realize = vfio_pci_realize;
    pc->exit = vfio_pci_exit;
    pc->reset = vfio_pci_reset;
    pc->config_read = vfio_pci_config_read;
    pc->config_write = vfio_pci_config_write;
}

static const TypeInfo vfio_pci_types[] = {
    {
        .name = TYPE_VFIO_PCI,
        .parent = TYPE_PCI_DEVICE,
        .instance_size = sizeof(VFIOPCIDevice),
        .class_init = vfio_pci_class_init,
    },
};

DEFINE_TYPES(vfio_pci_types)
