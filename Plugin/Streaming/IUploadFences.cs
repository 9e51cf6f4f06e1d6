namespace RealtimeGen.Plugin.Streaming;

/// <summary>GPU fences behind the uploads of a <see cref="TextureStreamer"/>; a seam so tests can hold a fence
/// unsignalled and check that its slot is not reused.</summary>
internal interface IUploadFences
{
    /// <summary>Inserts a fence after the commands issued so far.</summary>
    nint Insert();

    /// <summary>Whether the GPU has passed the fence; must not wait.</summary>
    bool IsSignalled(nint fence);

    /// <summary>Deletes the fence.</summary>
    void Delete(nint fence);
}
