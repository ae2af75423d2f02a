namespace Lightshield.Engine.Native;

/// <summary>Receives libclamav messages emitted on the current thread (see <see cref="ClamMessages"/>).</summary>
internal interface IClamMessageSink
{
    /// <summary>Whether a message of this severity would be used; others are not even converted to strings.</summary>
    bool Accepts(ClamMessageSeverity severity);

    void OnMessage(ClamMessageSeverity severity, string message);
}
