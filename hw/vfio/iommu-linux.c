/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The Linux VFIO back end: container ioctls, group fds and the sysfs
 * look-up of a device (include/hw/vfio/iommu-linux.h).
 */

#include "qemu/osdep.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <linux/vfio.h>
#include "hw/vfio/iommu-linux.h"
#include "trace.h"

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23      /* Linux 5.14 */
#endif

int vfio_linux_ret(int ret, int err)
{
    if (ret < 0) {
        return err > 0 ? -err : -EIO;
    }
    return ret > 0 ? -EINVAL : 0;
}

int vfio_linux_call(VFIOLinuxIoctl fn, int fd, unsigned long req, void *arg)
{
    int ret;

    errno = 0;
    ret = fn(fd, req, arg);
    return vfio_linux_ret(ret, errno);
}

/* ---- container ------------------------------------------------------------ */

typedef struct VFIOLinuxIOMMU {
    VFIOIOMMU base;
    int fd;
    VFIOLinuxIoctl ioctl;
    VFIOIOMMUType type;
} VFIOLinuxIOMMU;

static const VFIOIOMMUOps vfio_linux_iommu_ops;

static VFIOLinuxIOMMU *lx(VFIOIOMMU *iommu)
{
    return container_of(iommu, VFIOLinuxIOMMU, base);
}

/* A request whose only success is 0. */
static int lx_call(VFIOLinuxIOMMU *s, unsigned long req, void *arg)
{
    return vfio_linux_call(s->ioctl, s->fd, req, arg);
}

static bool lx_spapr(VFIOLinuxIOMMU *s)
{
    return s->type == VFIO_IOMMU_SPAPR_TCE_V2;
}

static int lx_setup(VFIOIOMMU *iommu, VFIOIOMMUType type)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    int ret;

    if (type != VFIO_IOMMU_TYPE1V2 && type != VFIO_IOMMU_SPAPR_TCE_V2) {
        return -ENODEV;     /* the only types this model drives */
    }
    if (s->type != VFIO_IOMMU_TYPE_NONE) {
        return -EINVAL;
    }
    errno = 0;
    ret = s->ioctl(s->fd, VFIO_CHECK_EXTENSION, (void *)(uintptr_t)type);
    if (ret < 0) {
        ret = vfio_linux_ret(ret, errno);
        trace_vfio_linux_setup(type, ret);
        return ret;
    }
    if (ret == 0) {
        trace_vfio_linux_setup(type, -ENODEV);
        return -ENODEV;
    }
    ret = lx_call(s, VFIO_SET_IOMMU, (void *)(uintptr_t)type);
    trace_vfio_linux_setup(type, ret);
    if (ret == 0) {
        s->type = type;
    }
    return ret;
}

/* Bytes [@off, @off + @n) lie inside a buffer of @len bytes. */
static bool in_buf(size_t len, uint64_t off, uint64_t n)
{
    return off <= len && n <= len - off;
}

int vfio_linux_parse_type1_info(const void *buf, size_t len,
                                VFIOIOMMUInfo *info)
{
    const uint8_t *b = buf;
    struct vfio_iommu_type1_info hdr;
    uint64_t off, prev = 0;

    if (len < sizeof(hdr)) {
        return -EINVAL;
    }
    memcpy(&hdr, b, sizeof(hdr));
    memset(info, 0, sizeof(*info));
    info->type = VFIO_IOMMU_TYPE1V2;
    info->pgsizes = hdr.flags & VFIO_IOMMU_INFO_PGSIZES ? hdr.iova_pgsizes
                                                       : 0;
    info->nr_iova_ranges = 1;
    info->iova_ranges[0] = (VFIOIOVARange) { 0, UINT64_MAX };
    info->dma_avail = UINT32_MAX;
    if (!(hdr.flags & VFIO_IOMMU_INFO_CAPS)) {
        return 0;
    }
    for (off = hdr.cap_offset; off; ) {
        struct vfio_info_cap_header ch;

        /* the chain only moves forward, after the fixed header */
        if (off < sizeof(hdr) || off <= prev ||
            !in_buf(len, off, sizeof(ch))) {
            return -EINVAL;
        }
        memcpy(&ch, b + off, sizeof(ch));
        if (ch.id == VFIO_IOMMU_TYPE1_INFO_CAP_IOVA_RANGE) {
            struct vfio_iommu_type1_info_cap_iova_range r;
            const uint64_t rsz = sizeof(struct vfio_iova_range);

            if (!in_buf(len, off, sizeof(r))) {
                return -EINVAL;
            }
            memcpy(&r, b + off, sizeof(r));
            if (r.nr_iovas > VFIO_IOMMU_MAX_IOVA_RANGES) {
                return -E2BIG;
            }
            if (!in_buf(len, off + sizeof(r), r.nr_iovas * rsz)) {
                return -EINVAL;
            }
            info->nr_iova_ranges = r.nr_iovas;
            for (uint32_t i = 0; i < r.nr_iovas; i++) {
                struct vfio_iova_range one;

                memcpy(&one, b + off + sizeof(r) + i * rsz, sizeof(one));
                info->iova_ranges[i] = (VFIOIOVARange) { one.start, one.end };
            }
        } else if (ch.id == VFIO_IOMMU_TYPE1_INFO_DMA_AVAIL) {
            struct vfio_iommu_type1_info_dma_avail a;

            if (!in_buf(len, off, sizeof(a))) {
                return -EINVAL;
            }
            memcpy(&a, b + off, sizeof(a));
            info->dma_avail = a.avail;
        }
        prev = off;
        off = ch.next;
    }
    return 0;
}

static int lx_info_type1(VFIOLinuxIOMMU *s, VFIOIOMMUInfo *info)
{
    g_autofree struct vfio_iommu_type1_info *buf = NULL;
    uint32_t argsz = sizeof(*buf);
    int ret;

    /* Twice at most: the kernel raises argsz when the chain does not fit. */
    for (int tries = 0; tries < 3; tries++) {
        g_free(buf);
        buf = g_malloc0(argsz);
        buf->argsz = argsz;
        ret = lx_call(s, VFIO_IOMMU_GET_INFO, buf);
        if (ret) {
            return ret;
        }
        if (buf->argsz <= argsz) {
            return vfio_linux_parse_type1_info(buf, argsz, info);
        }
        if (buf->argsz > 64 * 1024) {
            return -E2BIG;  /* a handful of ranges take a few hundred bytes */
        }
        argsz = buf->argsz;
    }
    return -EIO;
}

static int lx_info_spapr(VFIOLinuxIOMMU *s, VFIOIOMMUInfo *info)
{
    struct vfio_iommu_spapr_tce_info ti = { .argsz = sizeof(ti) };
    int ret = lx_call(s, VFIO_IOMMU_SPAPR_TCE_GET_INFO, &ti);

    if (ret) {
        return ret;
    }
    memset(info, 0, sizeof(*info));
    info->type = VFIO_IOMMU_SPAPR_TCE_V2;
    info->dma32_start = ti.dma32_window_start;
    info->dma32_size = ti.dma32_window_size;
    if (ti.flags & VFIO_IOMMU_SPAPR_INFO_DDW) {
        info->pgsizes = ti.ddw.pgsizes;
        info->max_windows = ti.ddw.max_dynamic_windows_supported;
        info->max_levels = ti.ddw.levels;
    }
    return 0;
}

static int lx_info(VFIOIOMMU *iommu, VFIOIOMMUInfo *info)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    int ret;

    switch (s->type) {
    case VFIO_IOMMU_TYPE1V2:
        ret = lx_info_type1(s, info);
        break;
    case VFIO_IOMMU_SPAPR_TCE_V2:
        ret = lx_info_spapr(s, info);
        break;
    default:
        ret = -EINVAL;      /* no type set yet (§4.1) */
    }
    trace_vfio_linux_info(s->type, ret);
    return ret;
}

static int lx_add_window(VFIOIOMMU *iommu, uint32_t page_shift,
                         uint64_t window_size, uint32_t levels,
                         hwaddr *start_addr)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_spapr_tce_create cr = {
        .argsz = sizeof(cr),
        .flags = 0,
        .page_shift = page_shift,
        .window_size = window_size,
        .levels = levels,
    };
    int ret;

    if (!lx_spapr(s)) {
        return s->type ? -ENOTTY : -EINVAL;
    }
    ret = lx_call(s, VFIO_IOMMU_SPAPR_TCE_CREATE, &cr);
    trace_vfio_linux_create_window(page_shift, window_size, levels,
                                   cr.start_addr, ret);
    if (ret == 0) {
        *start_addr = cr.start_addr;
    }
    return ret;
}

static int lx_remove_window(VFIOIOMMU *iommu, hwaddr start)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_spapr_tce_remove rm = {
        .argsz = sizeof(rm),
        .flags = 0,
        .start_addr = start,
    };
    int ret;

    if (!lx_spapr(s)) {
        return s->type ? -ENOTTY : -EINVAL;
    }
    ret = lx_call(s, VFIO_IOMMU_SPAPR_TCE_REMOVE, &rm);
    trace_vfio_linux_remove_window(start, ret);
    return ret;
}

/*
 * Before a read-only type1 map: fault the range in writable.  Guest RAM is
 * private anonymous memory, and a page the guest never wrote is the shared
 * zero page; type1 pins a read-only mapping without FOLL_WRITE, so it would
 * pin the zero page itself, and the guest's next write (a COW into a new
 * page) would never be seen by the device, which keeps reading zeros
 * (kernels before 6.2; docs/user/real-vfio.md "Read-only mappings").
 * Best effort: fails harmlessly on kernels without MADV_POPULATE_WRITE
 * (5.14) and on ranges that are not ordinary memory.
 */
static void lx_populate_write(uint64_t vaddr, uint64_t size)
{
    int ret = madvise((void *)(uintptr_t)vaddr, size, MADV_POPULATE_WRITE);

    trace_vfio_linux_populate(vaddr, size, ret < 0 ? -errno : 0);
}

/* CLOCK_MONOTONIC in ns: the MAP_DMA/UNMAP_DMA trace events time the call. */
static uint64_t lx_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int lx_map(VFIOIOMMU *iommu, hwaddr iova, uint64_t size,
                  uint64_t vaddr, uint32_t perm)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_type1_dma_map map = {
        .argsz = sizeof(map),
        .flags = (perm & VFIO_IOMMU_PERM_READ ? VFIO_DMA_MAP_FLAG_READ : 0) |
                 (perm & VFIO_IOMMU_PERM_WRITE ? VFIO_DMA_MAP_FLAG_WRITE : 0),
        .vaddr = vaddr,
        .iova = iova,
        .size = size,
    };
    uint64_t t0;
    int ret;

    if (perm & ~VFIO_IOMMU_PERM_RW) {
        return -EINVAL;     /* what the kernel says to unknown flags */
    }
    if (!(perm & VFIO_IOMMU_PERM_WRITE) && !lx_spapr(s)) {
        lx_populate_write(vaddr, size);   /* sPAPR pinned it writable */
    }
    t0 = lx_now_ns();
    ret = lx_call(s, VFIO_IOMMU_MAP_DMA, &map);
    trace_vfio_linux_map(iova, size, vaddr, perm, ret, lx_now_ns() - t0);
    return ret;
}

static int lx_unmap(VFIOIOMMU *iommu, hwaddr iova, uint64_t *size)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_type1_dma_unmap um = {
        .argsz = sizeof(um),
        .flags = 0,
        .iova = iova,
        .size = *size,
    };
    uint64_t t0 = lx_now_ns();
    int ret = lx_call(s, VFIO_IOMMU_UNMAP_DMA, &um);

    trace_vfio_linux_unmap(iova, *size, um.size, ret, lx_now_ns() - t0);
    if (ret == 0 && s->type == VFIO_IOMMU_TYPE1V2) {
        *size = um.size;    /* type1v2 writes back what it unmapped */
    }
    return ret;
}

static int lx_register(VFIOIOMMU *iommu, uint64_t vaddr, uint64_t size)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_spapr_register_memory reg = {
        .argsz = sizeof(reg),
        .flags = 0,
        .vaddr = vaddr,
        .size = size,
    };
    int ret;

    if (!lx_spapr(s)) {
        return -EINVAL;     /* type1: DIRTY_PAGES's number, refused (§4.7) */
    }
    ret = lx_call(s, VFIO_IOMMU_SPAPR_REGISTER_MEMORY, &reg);
    trace_vfio_linux_register(vaddr, size, ret);
    return ret;
}

static int lx_unregister(VFIOIOMMU *iommu, uint64_t vaddr, uint64_t size)
{
    VFIOLinuxIOMMU *s = lx(iommu);
    struct vfio_iommu_spapr_register_memory reg = {
        .argsz = sizeof(reg),
        .flags = 0,
        .vaddr = vaddr,
        .size = size,
    };
    int ret;

    if (!lx_spapr(s)) {
        return s->type ? -ENOTTY : -EINVAL;
    }
    ret = lx_call(s, VFIO_IOMMU_SPAPR_UNREGISTER_MEMORY, &reg);
    trace_vfio_linux_unregister(vaddr, size, ret);
    return ret;
}

static void lx_release(VFIOIOMMU *iommu)
{
    VFIOLinuxIOMMU *s = lx(iommu);

    trace_vfio_linux_release(s->fd);
    /* The last reference to the container: the kernel drops the rest. */
    close(s->fd);
    g_free(s);
}

static const VFIOIOMMUOps vfio_linux_iommu_ops = {
    .name = "linux",
    .setup = lx_setup,
    .info = lx_info,
    .add_window = lx_add_window,
    .remove_window = lx_remove_window,
    .map = lx_map,
    .unmap = lx_unmap,
    .register_memory = lx_register,
    .unregister_memory = lx_unregister,
    .release = lx_release,
};

VFIOIOMMU *vfio_linux_iommu_new(int fd, VFIOLinuxIoctl ioctl_fn,
                                Error **errp)
{
    VFIOLinuxIOMMU *s;
    int ret;

    errno = 0;
    ret = ioctl_fn(fd, VFIO_GET_API_VERSION, NULL);
    if (ret != VFIO_API_VERSION) {
        if (ret < 0) {
            error_setg_errno(errp, errno ? errno : EIO,
                             "vfio: VFIO_GET_API_VERSION failed");
        } else {
            error_setg(errp, "vfio: the kernel's VFIO API version is %d, "
                       "this build speaks %d", ret, VFIO_API_VERSION);
        }
        close(fd);
        return NULL;
    }
    s = g_new0(VFIOLinuxIOMMU, 1);
    s->base.ops = &vfio_linux_iommu_ops;
    s->fd = fd;
    s->ioctl = ioctl_fn;
    return &s->base;
}

bool vfio_linux_iommu_is(VFIOIOMMU *iommu)
{
    return iommu && iommu->ops == &vfio_linux_iommu_ops;
}

int vfio_linux_iommu_fd(VFIOIOMMU *iommu)
{
    return vfio_linux_iommu_is(iommu) ? lx(iommu)->fd : -1;
}

/* ---- groups ----------------------------------------------------------------- */

typedef struct VFIOLinuxGroup {
    int fd;
    unsigned refs;
} VFIOLinuxGroup;

struct VFIOLinuxHost {
    char *dev_dir;
    VFIOLinuxIoctl ioctl;
    GHashTable *groups;         /* group number -> VFIOLinuxGroup * */
};

VFIOLinuxHost *vfio_linux_host_new(const char *dev_dir,
                                   VFIOLinuxIoctl ioctl_fn)
{
    VFIOLinuxHost *h = g_new0(VFIOLinuxHost, 1);

    h->dev_dir = g_strdup(dev_dir);
    h->ioctl = ioctl_fn;
    h->groups = g_hash_table_new_full(NULL, NULL, NULL, g_free);
    return h;
}

void vfio_linux_host_free(VFIOLinuxHost *h)
{
    if (!h) {
        return;
    }
    /* Groups still open are the caller's leak; close them anyway. */
    GHashTableIter it;
    gpointer v;

    g_hash_table_iter_init(&it, h->groups);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        close(((VFIOLinuxGroup *)v)->fd);
    }
    g_hash_table_destroy(h->groups);
    g_free(h->dev_dir);
    g_free(h);
}

static VFIOLinuxHost *host_override;

void vfio_linux_host_override(VFIOLinuxHost *h)
{
    host_override = h;
}

VFIOLinuxHost *vfio_linux_host(void)
{
    static VFIOLinuxHost *host;

    if (host_override) {
        return host_override;
    }
    if (!host) {
        host = vfio_linux_host_new("/dev/vfio", ioctl);
    }
    return host;
}

static VFIOLinuxGroup *lx_group(VFIOLinuxHost *h, int groupid)
{
    return g_hash_table_lookup(h->groups, GINT_TO_POINTER(groupid));
}

int vfio_linux_group_fd(VFIOLinuxHost *h, int groupid)
{
    VFIOLinuxGroup *g = lx_group(h, groupid);

    return g ? g->fd : -1;
}

bool vfio_linux_host_check(VFIOLinuxHost *h, const char *who, Error **errp)
{
    if (!g_file_test(h->dev_dir, G_FILE_TEST_IS_DIR)) {
        error_setg(errp, "%s: %s does not exist (no VFIO driver on this "
                   "host: load vfio-pci)", who, h->dev_dir);
        return false;
    }
    return true;
}

bool vfio_linux_group_open(VFIOLinuxHost *h, int groupid, const char *who,
                           Error **errp)
{
    struct vfio_group_status st = { .argsz = sizeof(st) };
    VFIOLinuxGroup *g = lx_group(h, groupid);
    g_autofree char *path = NULL;
    int fd, ret;

    if (g) {
        g->refs++;
        return true;
    }
    if (!vfio_linux_host_check(h, who, errp)) {
        return false;
    }
    path = g_strdup_printf("%s/%d", h->dev_dir, groupid);
    fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            error_setg(errp, "%s: %s: no such group", who, path);
        } else {
            error_setg(errp, "%s: cannot open %s: %s", who, path,
                       g_strerror(errno));
        }
        return false;
    }
    ret = vfio_linux_call(h->ioctl, fd, VFIO_GROUP_GET_STATUS, &st);
    trace_vfio_linux_group_status(groupid, st.flags, ret);
    if (ret) {
        error_setg(errp, "%s: VFIO_GROUP_GET_STATUS of group %d: %s", who,
                   groupid, g_strerror(-ret));
        close(fd);
        return false;
    }
    if (!(st.flags & VFIO_GROUP_FLAGS_VIABLE)) {
        error_setg(errp, "%s: group %d is not viable (are all its devices "
                   "bound to vfio-pci?)", who, groupid);
        close(fd);
        return false;
    }
    g = g_new0(VFIOLinuxGroup, 1);
    g->fd = fd;
    g->refs = 1;
    g_hash_table_insert(h->groups, GINT_TO_POINTER(groupid), g);
    return true;
}

void vfio_linux_group_close(VFIOLinuxHost *h, int groupid)
{
    VFIOLinuxGroup *g = lx_group(h, groupid);

    if (!g || --g->refs) {
        return;
    }
    close(g->fd);
    g_hash_table_remove(h->groups, GINT_TO_POINTER(groupid));
}

VFIODevice *vfio_linux_group_get_device(VFIOLinuxHost *h, int groupid,
                                        const char *name, const char *who,
                                        Error **errp)
{
    VFIOLinuxGroup *g = lx_group(h, groupid);
    int fd, err;

    if (!g) {
        error_setg(errp, "%s: group %d is not open", who, groupid);
        return NULL;
    }
    errno = 0;
    fd = h->ioctl(g->fd, VFIO_GROUP_GET_DEVICE_FD, (void *)name);
    err = errno ? errno : EIO;
    trace_vfio_linux_get_device(groupid, name, fd < 0 ? -err : fd);
    if (fd < 0) {
        error_setg_errno(errp, err, "%s: cannot get the "
                         "device %s from group %d", who, name, groupid);
        return NULL;
    }
    return vfio_linux_device_new(fd, h->ioctl);
}

static VFIOIOMMU *lh_open_iommu(void *opaque, Error **errp)
{
    VFIOLinuxHost *h = opaque;
    g_autofree char *path = g_strdup_printf("%s/vfio", h->dev_dir);
    int fd = open(path, O_RDWR | O_CLOEXEC);

    if (fd < 0) {
        error_setg_errno(errp, errno, "vfio: cannot open %s", path);
        return NULL;
    }
    return vfio_linux_iommu_new(fd, h->ioctl, errp);
}

static int lh_set_container(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    VFIOLinuxHost *h = opaque;
    VFIOLinuxGroup *g = lx_group(h, groupid);
    int cfd = vfio_linux_iommu_fd(iommu);
    int ret;

    if (!g || cfd < 0) {
        return -EINVAL;
    }
    /* EPERM from sPAPR (different table ops) sends the group elsewhere */
    ret = vfio_linux_call(h->ioctl, g->fd, VFIO_GROUP_SET_CONTAINER, &cfd);
    trace_vfio_linux_set_container(groupid, cfd, ret);
    return ret;
}

static void lh_unset_container(void *opaque, int groupid, VFIOIOMMU *iommu)
{
    VFIOLinuxHost *h = opaque;
    VFIOLinuxGroup *g = lx_group(h, groupid);
    int ret;

    if (!g) {
        return;
    }
    ret = vfio_linux_call(h->ioctl, g->fd, VFIO_GROUP_UNSET_CONTAINER, NULL);
    trace_vfio_linux_unset_container(groupid, ret);
    if (ret) {
        error_report("vfio: cannot detach group %d from its container: %s",
                     groupid, g_strerror(-ret));
    }
}

static int lh_group_fd(void *opaque, int groupid)
{
    return vfio_linux_group_fd(opaque, groupid);
}

const VFIOHostOps vfio_linux_host_ops = {
    .name = "linux",
    .open_iommu = lh_open_iommu,
    .set_container = lh_set_container,
    .unset_container = lh_unset_container,
    .group_fd = lh_group_fd,
};

/* ---- sysfs ------------------------------------------------------------------ */

static char *sysfs_root;

void vfio_linux_set_sysfs_root(const char *root)
{
    g_free(sysfs_root);
    sysfs_root = g_strdup(root);
}

/* "DDDD:BB:DD.F" or "BB:DD.F" -> canonical name; NULL if malformed. */
static char *vfio_linux_parse_host(const char *host)
{
    static const char pattern[] = "hhhh:hh:hh.h";
    g_autofree char *full = strlen(host) == 7 ? g_strconcat("0000:", host, NULL)
                                              : g_strdup(host);
    unsigned dom, bus, dev, fn;

    if (strlen(full) != strlen(pattern)) {
        return NULL;
    }
    for (size_t i = 0; pattern[i]; i++) {
        if (pattern[i] == 'h' ? !g_ascii_isxdigit(full[i])
                              : full[i] != pattern[i]) {
            return NULL;
        }
    }
    if (sscanf(full, "%x:%x:%x.%x", &dom, &bus, &dev, &fn) != 4 ||
        dev > 0x1f || fn > 7) {
        return NULL;
    }
    return g_strdup_printf("%04x:%02x:%02x.%x", dom, bus, dev, fn);
}

/* The last component of the symlink @dir/@link, or NULL. */
static char *link_basename(const char *dir, const char *link)
{
    g_autofree char *path = g_build_filename(dir, link, NULL);
    g_autofree char *target = g_file_read_link(path, NULL);

    return target ? g_path_get_basename(target) : NULL;
}

bool vfio_linux_resolve(const char *host, const char *sysfsdev,
                        const char *who, char **name, int *groupid,
                        Error **errp)
{
    g_autofree char *dir = NULL;
    g_autofree char *dev = NULL;
    g_autofree char *group = NULL;
    g_autofree char *driver = NULL;
    char *end;
    long n;

    if (host) {
        dev = vfio_linux_parse_host(host);
        if (!dev) {
            error_setg(errp, "%s: not a PCI address (DDDD:BB:DD.F or "
                       "BB:DD.F)", who);
            return false;
        }
        dir = g_strdup_printf("%s/bus/pci/devices/%s",
                              sysfs_root ? sysfs_root : "/sys", dev);
    } else {
        dir = g_strdup(sysfsdev);
        while (strlen(dir) > 1 && g_str_has_suffix(dir, "/")) {
            dir[strlen(dir) - 1] = '\0';
        }
        dev = g_path_get_basename(dir);
    }
    if (!g_file_test(dir, G_FILE_TEST_IS_DIR)) {
        error_setg(errp, "%s: no such device (%s does not exist)", who, dir);
        return false;
    }
    group = link_basename(dir, "iommu_group");
    n = group ? strtol(group, &end, 10) : -1;
    if (!group || *end || end == group || n < 0 || n > INT_MAX) {
        error_setg(errp, "%s: the device has no IOMMU group (no IOMMU "
                   "enabled on this host?)", who);
        return false;
    }
    driver = link_basename(dir, "driver");
    if (!driver) {
        error_setg(errp, "%s: the device is bound to no driver; bind it to "
                   "vfio-pci", who);
        return false;
    }
    if (strcmp(driver, "vfio-pci")) {
        error_setg(errp, "%s: the device is bound to %s, not vfio-pci", who,
                   driver);
        return false;
    }
    trace_vfio_linux_resolve(dev, (int)n);
    *name = g_steal_pointer(&dev);
    *groupid = n;
    return true;
}
