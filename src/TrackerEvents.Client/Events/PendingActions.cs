namespace TrackerEvents.Client;

/// <summary>
/// Actions sent and not yet answered. Navixy answers actions in order and names the action in its answer
/// (<c>subscription/subscribe</c>) but carries no id, so an answer goes to the oldest action of that name.
/// </summary>
internal sealed class PendingActions
{
    private readonly object _gate = new();
    private readonly LinkedList<(string Action, TaskCompletionSource<Reply> Answer)> _waiting = new();

    public TaskCompletionSource<Reply> Add(string action)
    {
        var answer = new TaskCompletionSource<Reply>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _waiting.AddLast((action, answer));
        }

        return answer;
    }

    public void Remove(TaskCompletionSource<Reply> answer)
    {
        lock (_gate)
        {
            for (var node = _waiting.First; node is not null; node = node.Next)
            {
                if (node.Value.Answer == answer)
                {
                    _waiting.Remove(node);
                    return;
                }
            }
        }
    }

    /// <summary>Gives the answer to the oldest action of its name (or the oldest of all, for an answer that names none).</summary>
    public bool Complete(Reply reply)
    {
        TaskCompletionSource<Reply>? answer = null;
        lock (_gate)
        {
            var node = _waiting.First;
            while (node is not null && node.Value.Action != reply.Action)
            {
                node = node.Next;
            }

            node ??= _waiting.First;
            if (node is not null)
            {
                answer = node.Value.Answer;
                _waiting.Remove(node);
            }
        }

        return answer?.TrySetResult(reply) == true;
    }

    /// <summary>The connection ended: every action still waiting is told so.</summary>
    public void FailAll()
    {
        List<TaskCompletionSource<Reply>> failed;
        lock (_gate)
        {
            failed = [.. _waiting.Select(w => w.Answer)];
            _waiting.Clear();
        }

        foreach (var answer in failed)
        {
            answer.TrySetException(new Atmosphere.ConnectionLostException());
        }
    }
}
