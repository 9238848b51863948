"""The grader: `fourislands grade` turns a folder of submitted notebooks into a gradebook."""
