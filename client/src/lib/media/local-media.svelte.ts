import { AppError, toAppError } from '../errors.js';
import { CAMERA_CONSTRAINTS, MICROPHONE_CONSTRAINTS } from './simulcast.js';

export interface DeviceOption {
  deviceId: string;
  label: string;
}

const DEVICE_PREFS_KEY = 'ehop.devices';

interface DevicePrefs {
  micId: string;
  camId: string;
}

function loadPrefs(): DevicePrefs {
  try {
    const saved = JSON.parse(localStorage.getItem(DEVICE_PREFS_KEY) ?? '{}') as Partial<DevicePrefs>;
    return { micId: saved.micId ?? '', camId: saved.camId ?? '' };
  } catch {
    return { micId: '', camId: '' };
  }
}

function constraintsFor(base: MediaTrackConstraints, deviceId: string): MediaTrackConstraints {
  return deviceId ? { ...base, deviceId: { exact: deviceId } } : base;
}

/**
 * This browser's microphone and camera: which devices exist, which are chosen (remembered across
 * visits) and the live tracks. The preview, the self tile and the published producers all use
 * these same tracks, so the camera is opened once.
 */
export class LocalMedia {
  micOn = $state(true);
  camOn = $state(true);
  audioTrack = $state.raw<MediaStreamTrack | null>(null);
  videoTrack = $state.raw<MediaStreamTrack | null>(null);
  microphones = $state.raw<DeviceOption[]>([]);
  cameras = $state.raw<DeviceOption[]>([]);
  /** '' means the system default. */
  micId = $state('');
  camId = $state('');

  private readonly onDeviceChange = () => void this.refreshDevices();

  constructor() {
    const prefs = loadPrefs();
    this.micId = prefs.micId;
    this.camId = prefs.camId;
  }

  /** Opens what is switched on (one permission prompt for both), then lists the devices. */
  async start(): Promise<void> {
    if (!navigator.mediaDevices?.getUserMedia) throw new AppError('unsupported_browser', 'getUserMedia is missing');
    navigator.mediaDevices.addEventListener('devicechange', this.onDeviceChange);
    let failure: unknown = null;
    try {
      await this.openBoth();
    } catch (error) {
      failure = error;
      // One missing or blocked device must not take the other down with it.
      const [mic, cam] = await Promise.allSettled([
        this.micOn ? this.ensureAudioTrack() : Promise.resolve(null),
        this.camOn ? this.ensureVideoTrack() : Promise.resolve(null),
      ]);
      if (mic.status === 'rejected') this.micOn = false;
      if (cam.status === 'rejected') this.camOn = false;
      if (mic.status === 'fulfilled' && cam.status === 'fulfilled') failure = null;
    }
    await this.refreshDevices();
    if (failure) throw toAppError(failure);
  }

  private async openBoth(): Promise<void> {
    if (!this.micOn && !this.camOn) return;
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: this.micOn ? constraintsFor(MICROPHONE_CONSTRAINTS, this.micId) : false,
      video: this.camOn ? constraintsFor(CAMERA_CONSTRAINTS, this.camId) : false,
    });
    this.adoptAudio(stream.getAudioTracks()[0] ?? null);
    this.adoptVideo(stream.getVideoTracks()[0] ?? null);
  }

  async refreshDevices(): Promise<void> {
    const devices = await navigator.mediaDevices.enumerateDevices();
    const options = (kind: MediaDeviceKind) =>
      devices
        // Chrome lists aliases ("default", "communications") besides the real devices; the empty choice covers them.
        .filter((device) => device.kind === kind && device.deviceId && !['default', 'communications'].includes(device.deviceId))
        .map((device, index) => ({ deviceId: device.deviceId, label: device.label || `${kind} ${index + 1}` }));
    this.microphones = options('audioinput');
    this.cameras = options('videoinput');
  }

  /** The live microphone track, opened if needed. */
  async ensureAudioTrack(): Promise<MediaStreamTrack> {
    if (this.audioTrack?.readyState === 'live') return this.audioTrack;
    const track = await this.openTrack('audio');
    this.adoptAudio(track);
    return track;
  }

  /** The live camera track, opened if needed. */
  async ensureVideoTrack(): Promise<MediaStreamTrack> {
    if (this.videoTrack?.readyState === 'live') return this.videoTrack;
    const track = await this.openTrack('video');
    this.adoptVideo(track);
    return track;
  }

  /** Before joining: muting only disables the track, so the level meter and unmuting stay instant. */
  async setMicOn(on: boolean): Promise<void> {
    if (on) (await this.ensureAudioTrack()).enabled = true;
    else if (this.audioTrack) this.audioTrack.enabled = false;
    this.micOn = on;
  }

  /** Camera off closes the device, so its light goes out. */
  async setCamOn(on: boolean): Promise<void> {
    if (on) await this.ensureVideoTrack();
    else this.releaseVideo();
    this.camOn = on;
  }

  releaseVideo(): void {
    this.videoTrack?.stop();
    this.videoTrack = null;
  }

  async selectMicrophone(deviceId: string): Promise<void> {
    this.micId = deviceId;
    this.savePrefs();
    if (!this.audioTrack) return;
    const enabled = this.audioTrack.enabled;
    this.audioTrack.stop();
    this.audioTrack = null;
    (await this.ensureAudioTrack()).enabled = enabled;
  }

  async selectCamera(deviceId: string): Promise<void> {
    this.camId = deviceId;
    this.savePrefs();
    if (!this.videoTrack) return;
    this.releaseVideo();
    await this.ensureVideoTrack();
  }

  /** Closes both devices (leaving the meeting or the pre-join screen). */
  stop(): void {
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
    this.audioTrack?.stop();
    this.audioTrack = null;
    this.releaseVideo();
  }

  private async openTrack(kind: 'audio' | 'video'): Promise<MediaStreamTrack> {
    const base = kind === 'audio' ? MICROPHONE_CONSTRAINTS : CAMERA_CONSTRAINTS;
    const deviceId = kind === 'audio' ? this.micId : this.camId;
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: constraintsFor(base, deviceId) });
      return this.firstTrack(stream, kind);
    } catch (error) {
      // The remembered device was unplugged: fall back to the system default.
      if (!deviceId || !(error instanceof DOMException) || error.name !== 'OverconstrainedError') throw toAppError(error);
      const stream = await navigator.mediaDevices.getUserMedia({ [kind]: base });
      return this.firstTrack(stream, kind);
    }
  }

  private firstTrack(stream: MediaStream, kind: 'audio' | 'video'): MediaStreamTrack {
    const track = (kind === 'audio' ? stream.getAudioTracks() : stream.getVideoTracks())[0];
    if (!track) throw new AppError('media_device', `no ${kind} track`);
    return track;
  }

  private adoptAudio(track: MediaStreamTrack | null): void {
    if (track) {
      track.enabled = this.micOn;
      track.addEventListener('ended', () => {
        if (this.audioTrack === track) this.audioTrack = null;
      });
    }
    this.audioTrack = track;
  }

  private adoptVideo(track: MediaStreamTrack | null): void {
    track?.addEventListener('ended', () => {
      if (this.videoTrack === track) this.videoTrack = null;
    });
    this.videoTrack = track;
  }

  private savePrefs(): void {
    try {
      localStorage.setItem(DEVICE_PREFS_KEY, JSON.stringify({ micId: this.micId, camId: this.camId }));
    } catch {
      // Not remembered; the choice still applies now.
    }
  }
}
