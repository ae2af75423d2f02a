using System.Runtime.Versioning;

// The engine binds libclamav.so.12; its tests run on Linux only.
[assembly: SupportedOSPlatform("linux")]
