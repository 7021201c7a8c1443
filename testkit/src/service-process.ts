/** How the test kit starts a service's process (the SFU, signaling, Redis). */
export interface ServiceProcessOptions {
  /**
   * Start it in a session of its own (`setsid`), as a service manager would: with the kernel's
   * autogroup scheduling a session shares the CPU fairly with other sessions, so a server started
   * by a benchmark does not have to share one session's slice with the benchmark's own load.
   */
  ownSession?: boolean;
}
