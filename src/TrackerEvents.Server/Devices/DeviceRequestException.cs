namespace TrackerEvents.Devices;

/// <summary>A malformed device request: answered 400 with <see cref="Exception.Message"/> as its one-line reason, nothing written.</summary>
internal sealed class DeviceRequestException(string reason) : Exception(reason);
