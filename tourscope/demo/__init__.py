"""What `tourscope demo` adds beside the crawled catalogue, so the back office can be seen.

The demo's people are data: tourscope/data/demo_people.yaml holds its log-ins, its
managers, its clients and the stories of their last few months (calls, leads won and
lost, trips with their pre-trip letters, feedback after the trips that came back).
`people_file.py` reads and checks the file; `agency.py` makes the log-ins and plays the
stories through the domain functions.
"""
