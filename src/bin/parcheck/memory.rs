//! The program's memory: its allocator and how the kernel backs it.

/// mimalloc rather than the system allocator: reading a report allocates and
/// frees many small strings and vectors (runs, glyphs, cells), and glibc's
/// malloc took a fifth of the CPU time of a PDF batch. The library leaves the
/// choice to the program that links it.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Transparent huge pages off for this process (and the workers it starts):
/// mimalloc asks for them on its arenas, and the kernel then zeroes 2 MiB at
/// the first touch of any byte of one. A 20,000-row sheet's check spent a
/// third of its CPU in the kernel clearing memory it never used (user+sys
/// 709 → 546 ms); the sample reports' CPU did not change.
#[cfg(target_os = "linux")]
pub fn without_huge_pages() {
    let (on, unused): (libc::c_ulong, libc::c_ulong) = (1, 0);
    // SAFETY: PR_SET_THP_DISABLE takes integers only; on failure THP stays as it was.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, on, unused, unused, unused);
    }
}

#[cfg(not(target_os = "linux"))]
pub fn without_huge_pages() {}
