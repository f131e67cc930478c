//! Lambda's CPU share for a memory size, as a CFS bandwidth quota: Lambda gives
//! one vCPU at 1,769 MB and proportionally less below, so at `mb` a process
//! gets `mb / 1769` of a CPU per period. cgroup v1 (`cpu.cfs_quota_us`) or v2
//! (`cpu.max`); a function joins its group before exec, so its init is
//! throttled too. Needs root and a writable cpu controller.

use std::ffi::CString;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;

/// Memory at which Lambda gives one full vCPU.
pub const ONE_VCPU_MB: u32 = 1769;
/// The CFS period: the kernel's default (and cgroup v2's `cpu.max` default).
/// BENCH_CPU_PERIOD_US sets another (Lambda does not document its own).
pub fn period_us() -> u64 {
    std::env::var("BENCH_CPU_PERIOD_US").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000)
}

pub struct CpuQuota {
    dir: PathBuf,
    procs: CString,
}

impl CpuQuota {
    /// A cgroup that gives `mb`'s share of one CPU. None where cgroups cannot be written.
    pub fn for_memory(mb: u32) -> Option<Self> {
        let period = period_us();
        let quota = period * u64::from(mb) / u64::from(ONE_VCPU_MB);
        let name = format!("auth-bench-{}-{mb}", std::process::id());
        let v1 = PathBuf::from("/sys/fs/cgroup/cpu");
        let (dir, settings): (PathBuf, Vec<(&str, String)>) = if v1.join("cpu.cfs_quota_us").exists() {
            (v1.join(&name), vec![("cpu.cfs_period_us", period.to_string()), ("cpu.cfs_quota_us", quota.to_string())])
        } else {
            (PathBuf::from("/sys/fs/cgroup").join(&name), vec![("cpu.max", format!("{quota} {period}"))])
        };
        std::fs::create_dir_all(&dir).ok()?;
        for (file, value) in settings {
            if let Err(error) = std::fs::write(dir.join(file), &value) {
                eprintln!("{}: {error}", dir.join(file).display());
                let _ = std::fs::remove_dir(&dir);
                return None;
            }
        }
        let procs = CString::new(dir.join("cgroup.procs").into_os_string().into_encoded_bytes()).ok()?;
        Some(Self { dir, procs })
    }

    /// Makes `command`'s process join the group between fork and exec.
    pub fn apply(&self, command: &mut tokio::process::Command) {
        let procs = self.procs.clone();
        // SAFETY: only async-signal-safe calls (open, write, close) on memory
        // prepared before the fork; "0" names the writing process itself.
        unsafe {
            command.as_std_mut().pre_exec(move || {
                let fd = libc::open(procs.as_ptr(), libc::O_WRONLY);
                if fd < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                let written = libc::write(fd, b"0".as_ptr().cast(), 1);
                libc::close(fd);
                if written != 1 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
}

impl Drop for CpuQuota {
    fn drop(&mut self) {
        // Empty once its processes are gone; a cgroup directory is removed with rmdir.
        for _ in 0..50 {
            if std::fs::remove_dir(&self.dir).is_ok() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        eprintln!("could not remove {}", self.dir.display());
    }
}
