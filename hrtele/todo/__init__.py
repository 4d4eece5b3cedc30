"""HR « À faire » page: the follow-up the law and the policy require, in one place."""
