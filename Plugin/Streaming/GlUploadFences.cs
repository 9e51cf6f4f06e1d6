using Silk.NET.OpenGL;

namespace RealtimeGen.Plugin.Streaming;

/// <summary>glFenceSync fences polled with a zero timeout.</summary>
internal sealed class GlUploadFences(GL gl) : IUploadFences
{
    public nint Insert() => gl.FenceSync(SyncCondition.SyncGpuCommandsComplete, SyncBehaviorFlags.None);

    // The flush bit makes sure the fence is submitted, so that polling alone eventually sees it signal; with a zero
    // timeout it does not wait.
    public bool IsSignalled(nint fence)
    {
        GLEnum status = gl.ClientWaitSync(fence, SyncObjectMask.Bit, 0);
        return status is GLEnum.AlreadySignaled or GLEnum.ConditionSatisfied;
    }

    public void Delete(nint fence) => gl.DeleteSync(fence);
}
